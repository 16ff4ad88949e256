#pragma once
// A MIME message rebuilt from the pieces an inbound-mail webhook posts when it does not send
// the raw mail (Postmark's JSON, Mailgun's and SendGrid's parsed forms). The result is parsed
// like mail from our SMTP listener, so threading and loop guards see the same headers either
// way, and it is what "view original" shows. Pure.
#include <string>
#include <utility>
#include <vector>

namespace touchpoint::protocol {

struct MailPieces {
  // Headers in order. MIME-Version, Content-Type and Content-Transfer-Encoding are dropped
  // (the body is re-encoded); a CR or LF in a value never starts a header of its own; names
  // that are not header names are dropped.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string text, html;                     // "" when absent
  std::string text_charset = "utf-8", html_charset = "utf-8";
  struct File {
    std::string filename, content_type, content_id;
    std::string data;                         // raw bytes
  };
  std::vector<File> files;
};

std::string rebuild_mail(const MailPieces& pieces);

// A raw header block ("Name: value\r\n\tfolded\r\n...") as name/value pairs, unfolded.
std::vector<std::pair<std::string, std::string>> split_header_block(std::string_view block);

// "Name <addr>" for a From header, the name quoted safely.
std::string mailbox(std::string_view name, std::string_view address);

}  // namespace touchpoint::protocol
