#pragma once
// An RFC 5322 message (raw bytes, as SMTP delivered it) to what a ticket needs, with GMime 3:
// every charset to UTF-8, transfer encodings undone, multipart/alternative read as its
// text/plain (else its HTML as readable text, the HTML kept for safe display), attachments and
// inline images as attachments, and the headers threading and loop guards look at. Malformed
// input is read best-effort: a message always comes out (never throws, never crashes).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/model.hpp"

namespace touchpoint::protocol {

struct ParsedEmail {
  std::string message_id;               // without <>; "" when the sender gave none
  std::vector<std::string> in_reply_to;  // message ids, without <>
  std::vector<std::string> references;   // oldest first, as the header lists them
  std::string from_address;             // lowercased
  std::string from_name;
  std::vector<std::string> to, cc;      // addresses, lowercased
  std::string subject;                  // decoded
  std::optional<int64_t> date;          // unix seconds
  std::string text;                     // the whole text body
  std::string reply_text;               // the text without quoted history and signature
  std::optional<std::string> html;      // the HTML body, when there was one
  std::vector<AttachmentIn> attachments;
  // Why this mail must never trigger an automatic message ("" when it may): the header that
  // marks it automatic, bulk, a list, a loop or a bounce.
  std::string automatic;
  bool bounce = false;                  // a delivery status notification (multipart/report)
  std::string bounced_message_id;       // the Message-ID of the mail that bounced, if given
  std::string bounce_status;            // e.g. "5.1.1 user unknown"
};

// mail_from: the envelope's reverse path ("" for <>), which marks a bounce.
ParsedEmail parse_email(std::string_view raw, std::string_view mail_from);

// The contact to ingest on one email channel: the sender's email identity, the reply part as
// the message body (the whole text kept too), the threading and loop facts, the raw message.
// The idempotency key is the Message-ID, or when there is none the SHA-256 of the message as
// its sender sent it: raw without the first `our_trace_bytes` (the Return-Path and Received
// lines we put in front, which name the time and the client's address and so differ on every
// redelivery of the same mail).
InboundContact email_contact(const std::string& channel_name, const ParsedEmail& mail,
                             std::string raw, std::size_t our_trace_bytes = 0);

// Mail whose sender is one of our own support addresses (a forwarding rule or an autoresponder
// sending our mail back, a test from the support mailbox) is flagged automatic, so it never
// triggers an automatic message or reopens a ticket: loops stop at the first turn.
// own_addresses: lowercased support address → channel, as the config routes them.
void flag_own_mail(InboundContact& contact, const std::map<std::string, std::string>& own_addresses);

// The trace lines final delivery puts on top (RFC 5321 4.4): Return-Path and Received.
std::string trace_headers(std::string_view mail_from, std::string_view helo,
                          std::string_view remote_ip, std::string_view host,
                          std::string_view protocol_name, int64_t now);

// The subject's [#123] ticket token, if any.
std::optional<int64_t> subject_ticket_token(std::string_view subject);

// Readable text from HTML: block elements end lines, links keep their target, scripts and
// styles vanish, entities are decoded.
std::string html_to_text(std::string_view html);

// The part of a reply the customer wrote: cuts at the first attribution line ("On ... wrote:",
// "Il ... ha scritto:", "El ... escribió:", "... napisał(a):", "-----Original Message-----"),
// an Outlook header block, a signature delimiter ("-- ") or "Sent from my ..." and drops
// trailing quoted lines. Returns the text unchanged when nothing would be left.
std::string strip_reply(std::string_view text);

}  // namespace touchpoint::protocol
