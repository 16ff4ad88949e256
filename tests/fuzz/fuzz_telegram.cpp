// libFuzzer: Telegram updates.
#include <string_view>

#include "fuzz_check.hpp"
#include "protocol/telegram_webhook.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace touchpoint;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  if (auto b = protocol::parse_telegram_update("tg", body)) fuzz::check(*b);
  return 0;
}
