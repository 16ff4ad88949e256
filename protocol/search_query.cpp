#include "protocol/search_query.hpp"

#include <vector>

namespace touchpoint::protocol {

namespace {
std::optional<std::string> build(std::string_view q, bool prefix) {
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    if (!word.empty() && words.size() < kMaxSearchTerms) words.push_back(word);
    word.clear();
  };
  for (char c : q) {
    auto u = static_cast<unsigned char>(c);
    // ASCII punctuation separates words (the tokenizer would drop it anyway); UTF-8 bytes stay.
    bool separator = u < 0x80 && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                                   (c >= 'A' && c <= 'Z') || c == '_');
    if (separator)
      flush();
    else
      word += c;
  }
  flush();
  if (words.empty()) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i) out += ' ';
    out += '"' + words[i] + '"';  // no '"' can be inside: it is a separator
    if (prefix) out += '*';
  }
  return out;
}
}  // namespace

std::optional<std::string> fts_query(std::string_view q) { return build(q, false); }
std::optional<std::string> fts_prefix_query(std::string_view q) { return build(q, true); }

}  // namespace touchpoint::protocol
