#pragma once
#include <string>

namespace touchpoint::bench {

struct LoadOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  std::string channel = "bench";
  std::string token = "bench-token";
  long messages = 100000;
  int connections = 64;
  double rate = 0;         // messages/s across all connections; 0 = as fast as acks come back
  std::string run_id = "r";  // prefix of provider message ids, so reruns never collide
  // "api": API-channel JSON with a bearer token. "whatsapp": WhatsApp Cloud deliveries of
  // `batch` messages each, signed with X-Hub-Signature-256 over `app_secret`.
  std::string kind = "api";
  int batch = 1;
  long customers = 1000;  // distinct senders the messages spread over
  long threads = 5000;    // distinct conversation threads (api kind)
  double seconds = 0;     // > 0: stop sending after this long (messages is then an upper bound)
  std::string app_secret = "bench-secret";
  std::string phone_number_id = "100200300";
};

// Drives API-channel messages or signed WhatsApp webhook deliveries over keep-alive connections and prints throughput and ack
// latency. Latency is measured from each message's scheduled send time under a fixed rate, so
// a stalled server cannot hide its queueing (no coordinated omission).
int run_load(const LoadOptions& o);

}  // namespace touchpoint::bench
