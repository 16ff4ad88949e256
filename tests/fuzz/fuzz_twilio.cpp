// libFuzzer: Twilio form bodies, their signature check and the message/status parser; and the
// file link Twilio fetches a reply's media from, which names nothing unless we signed it.
#include <cstdlib>
#include <string_view>

#include "fuzz_check.hpp"
#include "protocol/outbound_media.hpp"
#include "protocol/query_string.hpp"
#include "protocol/twilio_webhook.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace touchpoint;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  if (protocol::outbound_media_attachment("secret", body, 0)) std::abort();  // the MAC cannot be guessed
  auto params = protocol::parse_form(body);
  if (!params) return 0;
  protocol::verify_twilio_signature("12345", body.substr(0, 64), *params, "x");
  fuzz::check(protocol::parse_twilio_webhook("sms", *params));
  return 0;
}
