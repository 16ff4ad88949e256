#pragma once
// ImapPoller: reads an email channel's IMAP mailbox (imap_url, imap_user, imap_password) every
// imap_poll_seconds. New messages are found by UID above the stored cursor, never by the Seen
// flag (another client may read the mail first); each is parsed like mail from our SMTP
// listener (a message that cannot be parsed still becomes a ticket with its raw bytes), and a
// round's messages and the new cursor land in one COMMIT. A new UIDVALIDITY reads the mailbox
// again from the start; what was stored already is found as duplicates. libcurl blocks, so each
// mailbox has its own thread.
#include <memory>

#include "server/app.hpp"
#include "server/config.hpp"

namespace touchpoint::server {

class ImapPoller {
 public:
  ImapPoller(App& app, const ChannelConfig& channel);
  ~ImapPoller();  // stop(), then joins
  ImapPoller(const ImapPoller&) = delete;
  ImapPoller& operator=(const ImapPoller&) = delete;
  // Ends the round in progress (an unfinished fetch is aborted; nothing half is stored).
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace touchpoint::server
