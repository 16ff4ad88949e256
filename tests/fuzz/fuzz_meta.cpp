// libFuzzer: Meta webhooks (WhatsApp, Messenger, Instagram) and their signature check.
#include <string_view>

#include "fuzz_check.hpp"
#include "protocol/meta_webhook.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace touchpoint;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  protocol::verify_meta_signature("secret", body, body.substr(0, 71));
  if (auto b = protocol::parse_whatsapp_webhook("wa", "106540352242922", body)) fuzz::check(*b);
  if (auto b = protocol::parse_meta_messaging_webhook("messenger", "fb", "1234567890", body)) fuzz::check(*b);
  if (auto b = protocol::parse_meta_messaging_webhook("instagram", "ig", "1234567890", body)) fuzz::check(*b);
  return 0;
}
