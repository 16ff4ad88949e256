// strip_reply: the customer's own words from a reply. Lines are classified as in Discourse's
// EmailReplyTrimmer (attribution, header block, quote, delimiter, signature, text) and the
// reply is cut at the first sign of quoted history.
#include <string>
#include <vector>

#include "protocol/ascii.hpp"
#include "protocol/email_parse.hpp"

namespace touchpoint::protocol {
namespace {

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto nl = text.find('\n', start);
    std::string l(text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start));
    if (!l.empty() && l.back() == '\r') l.pop_back();
    lines.push_back(std::move(l));
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return lines;
}

std::string trimmed(const std::string& s) {
  auto a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return {};
  auto b = s.find_last_not_of(" \t");
  return s.substr(a, b - a + 1);
}

bool starts(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

// The line lowercased, without leading quote marks and spaces, trailing colons and spaces.
std::string core_of(const std::string& line) {
  std::string c = ascii_lower(line);
  std::size_t a = c.find_first_not_of(" \t>");
  if (a == std::string::npos) return {};
  std::size_t b = c.find_last_not_of(" \t:");
  return b == std::string::npos || b < a ? std::string() : c.substr(a, b - a + 1);
}

// "On Tue, Ada <a@b> wrote:" and its translations; also forwarded/original markers. Plain
// string tests, not regexes: this runs on every line of every mail (std::regex cost
// milliseconds per message).
bool attribution(const std::string& line) {
  if (line.size() > 400) return false;  // a paragraph, not a marker
  std::string c = core_of(line);
  if (c.empty()) return false;
  bool at_sign = c.find('@') != std::string::npos;
  for (std::string_view verb : {"wrote", "writes", "said", "says"})
    if (ends(c, verb) && (starts(c, "on ") || starts(c, "at ") || (verb == "wrote" && at_sign))) return true;
  if (starts(c, "il ") && ends(c, "ha scritto")) return true;
  if (starts(c, "el ") && (ends(c, "escribió") || ends(c, "escribio"))) return true;
  for (std::string_view p : {"napisał(a)", "napisał", "napisała", "napisal(a)", "napisal", "napisala"})
    if (ends(c, p)) return true;
  if (starts(c, "le ") && (ends(c, "a écrit") || ends(c, "a ecrit"))) return true;
  if (starts(c, "am ") && ends(c, "schrieb")) return true;
  if (starts(c, "em ") && ends(c, "escreveu")) return true;
  if (c == "begin forwarded message") return true;
  if (starts(c, "--") && ends(c, "--")) {  // -----Original Message----- and friends
    std::size_t a = c.find_first_not_of("- ");
    std::size_t b = c.find_last_not_of("- ");
    if (a == std::string::npos) return false;
    std::string inner = c.substr(a, b - a + 1);
    for (std::string_view m : {"original message", "messaggio originale", "mensaje original",
                               "wiadomość oryginalna", "forwarded message", "messaggio inoltrato"})
      if (inner == m) return true;
  }
  return false;
}

// Outlook's "From: / Sent: / To: / Subject:" block (and its translations).
bool header_line(const std::string& line) {
  if (line.size() > 400) return false;
  std::string c = ascii_lower(trimmed(line));
  if (!c.empty() && c.front() == '*') c.erase(0, 1);
  auto colon = c.find(':');
  if (colon == std::string::npos || colon == 0) return false;
  std::string word = c.substr(0, colon);
  if (!word.empty() && word.back() == '*') word.pop_back();
  while (!word.empty() && word.back() == ' ') word.pop_back();
  std::size_t after = colon + 1;
  if (after < c.size() && c[after] == '*') ++after;
  if (after < c.size() && c[after] != ' ' && c[after] != '\t') return false;
  for (std::string_view w : {"from", "sent", "to", "cc", "subject", "date", "da", "inviato", "a",
                             "oggetto", "de", "enviado", "para", "asunto", "od", "wysłano", "do", "temat"})
    if (word == w) return true;
  return false;
}

bool signature_start(const std::string& line) {
  if (line == "-- " || line == "--") return true;
  if (line.size() > 200) return false;
  std::string c = ascii_lower(trimmed(line));
  for (std::string_view p : {"sent from ", "sent via ", "sent with ", "sent by ", "get outlook for ",
                             "inviato da ", "enviado desde ", "wysłane z "})
    if (starts(c, p) && c.size() > p.size()) return true;
  return false;
}

bool quoted(const std::string& line) { return !line.empty() && line.front() == '>'; }

}  // namespace

std::string strip_reply(std::string_view text) {
  auto lines = split_lines(text);
  std::size_t cut = lines.size();
  for (std::size_t i = 0; i < lines.size() && cut == lines.size(); ++i) {
    const auto& l = lines[i];
    if (attribution(l) || signature_start(l)) cut = i;
    // An attribution wrapped over two lines: "On Tue, 3 Mar 2026, Ada Lovelace" / "<a@b> wrote:"
    else if (i + 1 < lines.size() && !trimmed(l).empty() && attribution(l + " " + lines[i + 1]))
      cut = i;
    else if (header_line(l)) {
      std::size_t run = 0;
      while (i + run < lines.size() && header_line(lines[i + run])) ++run;
      if (run >= 3) cut = i;
    }
  }
  // Trailing quoted lines and blank lines go too.
  while (cut > 0 && (trimmed(lines[cut - 1]).empty() || quoted(lines[cut - 1]))) --cut;
  std::string out;
  for (std::size_t i = 0; i < cut; ++i) {
    if (i) out += '\n';
    out += lines[i];
  }
  if (trimmed(out).empty()) return std::string(text);  // nothing of theirs found: keep it all
  return out;
}

}  // namespace touchpoint::protocol
