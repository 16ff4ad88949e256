// libFuzzer: the generic API channel's message parser.
#include <cstdlib>
#include <string_view>

#include "protocol/api_channel.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace touchpoint;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  if (auto c = protocol::parse_api_message("crm", body))
    if (c->external_id.empty() || c->from.empty()) std::abort();
  return 0;
}
