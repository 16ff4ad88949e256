// libFuzzer: the search box's text to an FTS5 query. Whatever an agent types, the query we
// build must be one FTS5 accepts as plain terms: every term quoted, no operator smuggled in.
#include <cstdlib>
#include <string_view>

#include "protocol/search_query.hpp"
#include "protocol/utf8.hpp"

namespace {
// Each term is a "double-quoted" string with inner quotes doubled, joined by spaces (and, for
// prefix queries, a * after the closing quote).
bool only_quoted_terms(std::string_view q) {
  std::size_t i = 0;
  while (i < q.size()) {
    if (q[i] == ' ') { ++i; continue; }
    if (q[i] != '"') return false;
    ++i;
    for (;;) {
      if (i >= q.size()) return false;
      if (q[i] == '"') {
        if (i + 1 < q.size() && q[i + 1] == '"') { i += 2; continue; }
        ++i;
        break;
      }
      ++i;
    }
    if (i < q.size() && q[i] == '*') ++i;
  }
  return true;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (auto q : {touchpoint::protocol::fts_query(text), touchpoint::protocol::fts_prefix_query(text)})
    if (q && (q->empty() || !only_quoted_terms(*q) ||
              (touchpoint::protocol::is_valid_utf8(text) && !touchpoint::protocol::is_valid_utf8(*q))))
      std::abort();
  return 0;
}
