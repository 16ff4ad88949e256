#pragma once
// SmtpConnection: one SMTP or LMTP client on the socket's strand. Reads lines, feeds them to
// protocol::SmtpSession, writes its replies (batched while the client pipelines), and at each
// message's final dot parses the mail, commits it, and only then answers 250 (451 when the
// store cannot take it now, so the sender keeps it and retries).
#include <map>
#include <memory>
#include <string>

#include "protocol/smtp_session.hpp"
#include "server/app.hpp"
#include "server/net.hpp"

namespace touchpoint::server {

class SmtpConnection : public std::enable_shared_from_this<SmtpConnection> {
 public:
  SmtpConnection(tcp::socket&& socket, App& app, protocol::SmtpMode mode, std::string hostname);
  void run();

 private:
  void read_more();
  void process();
  void flush(bool close_after);
  void store(protocol::SmtpEnvelope message);
  void on_stored(std::string reply);

  beast::tcp_stream stream_;
  App& app_;
  protocol::SmtpMode mode_;
  std::string hostname_;
  protocol::SmtpSession session_;
  std::string in_;        // bytes read, not yet processed
  std::string out_;       // replies not yet written
  std::string writing_;   // the buffer of the write in progress
  std::string remote_ip_;
};

}  // namespace touchpoint::server
