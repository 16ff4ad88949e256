#include "protocol/imap.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "protocol/ascii.hpp"
#include "protocol/mail_rebuild.hpp"

namespace touchpoint::protocol {
namespace {

std::optional<int64_t> number_after(std::string_view text, std::string_view key) {
  std::string lowered = ascii_lower(text);
  auto at = lowered.find(ascii_lower(key));
  if (at == std::string::npos) return std::nullopt;
  at += key.size();
  while (at < text.size() && text[at] == ' ') ++at;
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data() + at, text.data() + text.size(), n);
  if (ec != std::errc() || n <= 0) return std::nullopt;
  return n;
}

// Percent-encodes a mailbox name for the URL path (RFC 5092 enc-mailbox).
std::string url_mailbox(std::string_view mailbox) {
  std::string out;
  for (char c : mailbox) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out += c;
    } else {
      static const char* hex = "0123456789ABCDEF";
      out += '%';
      out += hex[u >> 4];
      out += hex[u & 15];
    }
  }
  return out;
}

}  // namespace

std::optional<ImapMailbox> parse_imap_url(std::string_view url) {
  std::string lowered = ascii_lower(url);
  std::size_t scheme = lowered.rfind("imaps://", 0) == 0 ? 8 : lowered.rfind("imap://", 0) == 0 ? 7 : 0;
  if (!scheme) return std::nullopt;
  auto slash = url.find('/', scheme);
  ImapMailbox m;
  m.server = std::string(url.substr(0, slash));
  if (m.server.size() == scheme || m.server.find_first_of("@?#;") != std::string::npos) return std::nullopt;
  std::string_view path = slash == std::string_view::npos ? "" : url.substr(slash + 1);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.find_first_of(";?#") != std::string_view::npos) return std::nullopt;
  for (std::size_t i = 0; i < path.size(); ++i) {  // %-decoding
    if (path[i] != '%') {
      m.mailbox += path[i];
      continue;
    }
    int byte = 0;
    if (i + 2 >= path.size() ||
        std::from_chars(path.data() + i + 1, path.data() + i + 3, byte, 16).ptr != path.data() + i + 3)
      return std::nullopt;
    m.mailbox += static_cast<char>(byte);
    i += 2;
  }
  if (m.mailbox.empty()) m.mailbox = "INBOX";
  return m;
}

std::string imap_quoted(std::string_view mailbox) {
  std::string out = "\"";
  for (char c : mailbox) {
    if (c == '\r' || c == '\n') continue;
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string imap_mailbox_url(const ImapMailbox& m, int64_t uidvalidity) {
  return m.server + "/" + url_mailbox(m.mailbox) + ";UIDVALIDITY=" + std::to_string(uidvalidity);
}

std::string imap_message_url(const ImapMailbox& m, int64_t uidvalidity, int64_t uid) {
  return imap_mailbox_url(m, uidvalidity) + "/;UID=" + std::to_string(uid);
}

std::optional<ImapStatus> parse_imap_status(std::string_view untagged) {
  auto validity = number_after(untagged, "UIDVALIDITY");
  auto next = number_after(untagged, "UIDNEXT");
  if (!validity || !next) return std::nullopt;
  return ImapStatus{*validity, *next};
}

std::vector<int64_t> parse_imap_search(std::string_view untagged, int64_t after) {
  std::vector<int64_t> out;
  std::size_t at = 0;
  while (at < untagged.size()) {
    auto eol = untagged.find('\n', at);
    std::string_view line = untagged.substr(at, eol == std::string_view::npos ? std::string_view::npos : eol - at);
    at = eol == std::string_view::npos ? untagged.size() : eol + 1;
    if (ascii_lower(line.substr(0, 9)) != "* search ") continue;
    line.remove_prefix(9);
    while (!line.empty()) {
      int64_t uid = 0;
      auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), uid);
      if (ec != std::errc()) break;
      if (uid > after) out.push_back(uid);
      line.remove_prefix(static_cast<std::size_t>(end - line.data()));
      while (!line.empty() && (line.front() == ' ' || line.front() == '\r')) line.remove_prefix(1);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::optional<std::string> return_path(std::string_view raw) {
  for (const auto& [name, value] : split_header_block(raw)) {  // the header block only
    if (ascii_lower(name) != "return-path") continue;
    auto open = value.find('<'), close = value.rfind('>');
    if (open != std::string::npos && close != std::string::npos && close > open)
      return value.substr(open + 1, close - open - 1);
    return value;
  }
  return std::nullopt;
}

}  // namespace touchpoint::protocol
