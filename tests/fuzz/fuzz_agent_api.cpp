// libFuzzer: every parser of the agents' API request bodies, and the query string they come
// with. The first byte picks the parser, the rest is the body. A parser may refuse anything;
// what it accepts must hold its own invariants, and nothing may crash.
#include <cstdlib>
#include <string_view>

#include "protocol/agent_api.hpp"
#include "protocol/query_string.hpp"
#include "protocol/utf8.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace touchpoint::protocol;
  if (size == 0) return 0;
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 12) {
    case 0: if (auto r = parse_login(body); r && !is_valid_utf8(r->email)) std::abort(); break;
    case 1: (void)parse_ticket_patch(body); break;
    case 2: if (auto r = parse_agent_message(body); r && !is_valid_utf8(r->body)) std::abort(); break;
    case 3: if (auto r = parse_merge(body); r && *r <= 0) std::abort(); break;
    case 4: (void)parse_customer_name(body); break;
    case 5: (void)parse_identity(body); break;
    case 6: (void)parse_agent_update(body); break;
    case 7: (void)parse_group_name(body); break;
    case 8: (void)parse_new_agent(body); break;
    case 9: (void)parse_new_token(body); break;
    default:
      if (auto q = parse_query_string(body))
        for (const auto& [k, v] : *q)
          if (!is_valid_utf8(k) || !is_valid_utf8(v)) std::abort();
  }
  return 0;
}
