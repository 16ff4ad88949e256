#pragma once
// IdleConnections: the HTTP connections waiting for their next request (keep-alive clients
// between requests, and clients that have not finished sending headers), oldest first. When
// the process runs out of file descriptors, the listener sheds the oldest of them, so a new
// client can be accepted instead of the accept loop failing over and over.
//
// Thread-safe. Holds weak references: a closed connection just disappears.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

namespace touchpoint::server {

class Sheddable {
 public:
  virtual ~Sheddable() = default;
  virtual void shed() = 0;  // close if still idle; any thread
};

class IdleConnections {
 public:
  // Returns the ticket to pass to done() when the connection is no longer idle.
  std::uint64_t waiting(std::weak_ptr<Sheddable> connection);
  void done(std::uint64_t ticket);
  // Asks the n longest idle to close. Returns how many were asked.
  std::size_t shed_oldest(std::size_t n);
  std::size_t size();

 private:
  std::mutex mu_;
  std::uint64_t next_ = 1;                                  // guarded by mu_
  std::map<std::uint64_t, std::weak_ptr<Sheddable>> idle_;  // guarded by mu_
};

}  // namespace touchpoint::server
