#pragma once
// Hub: fans live events out to every connected console. Numbers each event (seq) and keeps
// the last kReplay of them, so a console that reconnects with ?after=SEQ gets what it missed;
// if that is too old, or the server restarted (a new epoch), it gets "resync" and reloads.
//
// Thread-safe. Holds weak references (a closed console just disappears) and calls sessions
// outside its lock (CP.22).
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace touchpoint::server {

class LiveSink {
 public:
  virtual ~LiveSink() = default;
  // event: one WebSocket text frame, encoded once and shared by every sink. Any thread.
  virtual void send(std::shared_ptr<const std::string> event) = 0;
};

class Hub {
 public:
  static constexpr std::size_t kReplay = 10000;
  Hub();
  enum class Audience { everyone, supervisors };
  // type: "ticket.created", ...; data: a JSON object. Supervisors' events (queue statistics)
  // reach only consoles of supervisors and admins, live and in replays.
  void publish(const std::string& type, const std::string& data,
               Audience audience = Audience::everyone);

  struct Member {
    int64_t agent_id = 0;
    bool supervisor = false;  // supervisor or admin
  };
  struct Joined {
    std::vector<std::shared_ptr<const std::string>> replay;  // frames after `after`, in order
    bool resync = false;  // what was asked for is gone: reload, then follow live
    int64_t seq = 0;      // the last event number at join
  };
  // Adds sink and, atomically with that, collects what it missed: no event is lost or doubled
  // between the replay and the live stream.
  Joined join(const std::weak_ptr<LiveSink>& sink, const Member& who, std::optional<int64_t> after,
              const std::string& epoch);
  const std::string& epoch() const { return epoch_; }
  std::size_t size();
  // Whether any supervisor's console is connected (who is online is Presence's to say).
  bool supervisors_listening();

 private:
  const std::string epoch_;  // differs on every start
  std::mutex mu_;
  int64_t seq_ = 0;                                             // guarded by mu_
  struct Recent {
    int64_t seq;
    std::shared_ptr<const std::string> frame;
    Audience audience;
  };
  struct Sink {
    std::weak_ptr<LiveSink> sink;
    Member who;
  };
  void prune();                 // REQUIRES: mu_ held. Forgets closed consoles.
  std::deque<Recent> recent_;   // guarded by mu_
  std::vector<Sink> sinks_;     // guarded by mu_
};

}  // namespace touchpoint::server
