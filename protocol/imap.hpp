#pragma once
// What the IMAP poller says and reads (RFC 3501), apart from the connection libcurl keeps:
// the mailbox URL, the STATUS and UID SEARCH commands and their untagged answers, and the
// return path a delivered message carries. Pure.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace touchpoint::protocol {

struct ImapMailbox {
  std::string server;   // "imaps://imap.example.com:993", no path
  std::string mailbox;  // decoded, e.g. "INBOX" (the default) or "Support/Italia"
};

// imap://host[:port][/mailbox] or imaps://...; nullopt for anything else.
std::optional<ImapMailbox> parse_imap_url(std::string_view url);

// The mailbox as an IMAP quoted string ("INBOX", with \ and " escaped).
std::string imap_quoted(std::string_view mailbox);

// The URL libcurl fetches one message from: server/mailbox;UIDVALIDITY=v/;UID=n (RFC 5092),
// so a renumbered mailbox fails instead of handing over another message.
std::string imap_message_url(const ImapMailbox& m, int64_t uidvalidity, int64_t uid);
// The mailbox itself, for commands run inside it (UID SEARCH).
std::string imap_mailbox_url(const ImapMailbox& m, int64_t uidvalidity);

struct ImapStatus {
  int64_t uidvalidity = 0;
  int64_t uidnext = 0;
};
// From the untagged answer to STATUS "box" (UIDVALIDITY UIDNEXT); nullopt when absent.
std::optional<ImapStatus> parse_imap_status(std::string_view untagged);

// The UIDs of "* SEARCH 4 5 9" lines above after (a range n:* always names the highest UID,
// even when below n), ascending.
std::vector<int64_t> parse_imap_search(std::string_view untagged, int64_t after);

// The Return-Path the delivering MTA put on top: "" for <> (a bounce), nullopt when the message
// has none (then nothing says it is a bounce).
std::optional<std::string> return_path(std::string_view raw);

}  // namespace touchpoint::protocol
