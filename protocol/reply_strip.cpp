// strip_reply: the customer's own words from a reply. Lines are classified as in Discourse's
// EmailReplyTrimmer (attribution, header block, quote, delimiter, signature, text) and the
// reply is cut at the first sign of quoted history.
#include <regex>
#include <string>
#include <vector>

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

// "On Tue, Ada <a@b> wrote:" and its translations; also forwarded/original markers.
bool attribution(const std::string& line) {
  static const std::regex kPatterns[] = {
      std::regex(R"(^[ >]*(On|At)\s.+(wrote|writes|said|says)\s*:?\s*$)", std::regex::icase),
      std::regex(R"(^[ >]*Il\s.+ha scritto\s*:?\s*$)", std::regex::icase),
      std::regex(R"(^[ >]*El\s.+escribi(ó|o)\s*:?\s*$)", std::regex::icase),
      std::regex(R"(^[ >]*.+napisa(ł|l)(\(a\)|a)?\s*:?\s*$)", std::regex::icase),
      std::regex(R"(^[ >]*Le\s.+a (é|e)crit\s*:?\s*$)", std::regex::icase),
      std::regex(R"(^[ >]*Am\s.+schrieb.*:?\s*$)", std::regex::icase),
      std::regex(R"(^[ >]*Em\s.+escreveu\s*:?\s*$)", std::regex::icase),
      std::regex(R"(^[ >]*.+@.+\s(wrote|ha scritto|escribió|napisał)\s*:?\s*$)", std::regex::icase),
      std::regex(R"(^\s*-{2,}\s*(Original Message|Messaggio originale|Mensaje original|Wiadomość oryginalna|Forwarded message|Messaggio inoltrato)\s*-{2,}\s*$)",
                 std::regex::icase),
      std::regex(R"(^\s*Begin forwarded message:\s*$)", std::regex::icase),
  };
  if (line.size() > 400) return false;  // a paragraph, not a marker; keeps the regexes cheap
  for (const auto& r : kPatterns)
    if (std::regex_match(line, r)) return true;
  return false;
}

// Outlook's "From: / Sent: / To: / Subject:" block (and its translations).
bool header_line(const std::string& line) {
  static const std::regex kHeader(
      R"(^\s*\*?(From|Sent|To|Cc|Subject|Date|Da|Inviato|A|Oggetto|De|Enviado|Para|Asunto|Od|Wysłano|Do|Temat)\s*:\*?\s.*$)",
      std::regex::icase);
  return line.size() < 400 && std::regex_match(line, kHeader);
}

bool signature_start(const std::string& line) {
  if (line == "-- " || line == "--") return true;
  static const std::regex kSentFrom(
      R"(^\s*(Sent (from|via|with|by) .+|Get Outlook for .+|Inviato da .+|Enviado desde .+|Wysłane z .+)$)",
      std::regex::icase);
  return line.size() < 200 && std::regex_match(line, kSentFrom);
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
