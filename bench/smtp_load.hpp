#pragma once
#include <string>

namespace touchpoint::bench {

struct SmtpLoadOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 2525;
  std::string to = "support@bench.test";
  long messages = 20000;
  int connections = 16;
  std::size_t message_bytes = 20 * 1024;  // a realistic mail: text and a small attachment
  std::string run_id = "r";
};

// Delivers MIME messages over SMTP keep-alive sessions (pipelined MAIL/RCPT/DATA, as MTAs
// do) and prints messages/s and the latency from MAIL to the final 250.
int run_smtp_load(const SmtpLoadOptions& o);

}  // namespace touchpoint::bench
