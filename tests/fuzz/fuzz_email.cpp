// libFuzzer: raw mail through GMime to the contact the store takes. Whatever the bytes, a
// contact comes out with an idempotency key, and every text an agent sees is valid UTF-8.
#include <cstdlib>
#include <string>
#include <string_view>

#include "protocol/email_parse.hpp"

namespace {
bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : 9;
    if (n == 9 || i + n >= s.size() + (n ? 0 : 1)) return n == 0;
    for (std::size_t k = 1; k <= n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
    i += n + 1;
  }
  return true;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace touchpoint;
  std::string raw(reinterpret_cast<const char*>(data), size);
  auto mail = protocol::parse_email(raw, size % 2 ? "" : "sender@example.org");
  auto c = protocol::email_contact("support", mail, raw);
  if (c.external_id.empty() || !c.email) std::abort();
  for (std::string_view text : {std::string_view(c.text), std::string_view(c.subject),
                                std::string_view(c.from_name), std::string_view(c.email->full_text)})
    if (!valid_utf8(text)) std::abort();
  return 0;
}
