#pragma once
// Server: the running process's network side: the HTTP listener on an io_context, the store
// writer, and a graceful stop. Used by `touchpoint serve` and, in-process, by tests.
#include <memory>

#include "protocol/result.hpp"
#include "server/config.hpp"
#include "storage/ticket_store.hpp"

namespace touchpoint::server {

// Binds every listener config asks for and lets go at once: serve checks its ports before it
// creates or migrates anything, so a taken port leaves the data directory as it was.
Status probe_listeners(const Config& config);

class Server {
 public:
  // Binds the listeners and starts serving on background threads. Fails with a clear message
  // when an address cannot be bound. With stop_on_signals, SIGTERM and SIGINT call stop(); they
  // are caught from before the first "listening" line, so a supervisor that starts us and
  // signals at once still gets a clean stop.
  static Result<std::unique_ptr<Server>> start(Config config, storage::TicketStore store,
                                               bool stop_on_signals = false);
  ~Server();  // stop() and wait()

  unsigned short http_port() const;
  unsigned short smtp_port() const;  // 0 without email channels
  unsigned short lmtp_port() const;  // 0 unless lmtp is configured (and email channels exist)
  // Stops accepting, answers new requests 503, waits until every request read so far was
  // answered (their writes committed), then stops. Any thread; idempotent.
  void stop();
  // Blocks until the server has stopped and the store writer has drained.
  void wait();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace touchpoint::server
