#pragma once
// The mail we send: an agent's reply as RFC 5322 bytes (GMime 3 writes the headers' encoded
// words and the quoted-printable bodies), its subject and its Message-ID. Pure.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/model.hpp"

namespace touchpoint::protocol {

struct OutboundEmail {
  std::string from_name, from_address;
  std::string to_name, to_address;
  std::string subject;
  std::string message_id;               // without <>
  std::string in_reply_to;              // without <>; "" when none
  std::vector<std::string> references;  // oldest first, without <>
  std::string text;
  int64_t date = 0;                     // unix seconds
  bool automatic = false;               // acknowledgements, surveys: Auto-Submitted: auto-replied
  struct File {
    std::string filename, content_type, data;
  };
  std::vector<File> files;              // attachments, base64-encoded after the text
};

// CRLF line ends, ready for SMTP. Text and an HTML rendering of it as multipart/alternative;
// with files, that alternative and the files inside multipart/mixed.
std::string build_email(const OutboundEmail& mail);

// "Re: [#12] Printer on fire": one "Re:", the ticket token once, whatever the subject held.
std::string reply_subject(int64_t ticket_id, std::string_view subject);

// tp.{ticket}.{message}.{16 hex of HMAC-SHA256(secret, ticket.message)}@{domain}: the same
// for every retry of one reply, and unguessable, so nobody can thread mail into a ticket by
// forging an In-Reply-To.
std::string our_message_id(int64_t ticket_id, int64_t message_id, std::string_view secret,
                           std::string_view domain);

// The outcome of one SMTP submission: accepted (the Message-ID is the provider id, so replies
// thread and bounces find it); a 4xx reply or no answer retries; a 5xx reply fails the message
// with the server's own words. code: the last SMTP reply code (0 when none came).
DeliveryOutcome smtp_submission_outcome(bool accepted, int code, std::string_view reply,
                                        std::string_view error, std::string_view message_id);

}  // namespace touchpoint::protocol
