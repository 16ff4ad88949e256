// libFuzzer: what a web chat visitor sends — a frame of /chat/ws, and the visitor token in it.
// A frame parses or is refused with a code; a parsed message has a client_id of the allowed
// characters and text; a token that was not made with the secret names nobody.
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "protocol/webchat.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace touchpoint::protocol;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto frame = parse_chat_frame(input);
  if (!frame) {
    if (chat_error_of(frame.error()).code.empty()) std::abort();
  } else if (auto* say = std::get_if<ChatSay>(&frame.value())) {
    if (say->client_id.empty() || say->client_id.size() > kMaxChatClientIdBytes) std::abort();
    if (say->client_id.find_first_of(" :\"\\") != std::string::npos) std::abort();
    auto contact = chat_contact("site", "0123456789abcdef0123456789abcdef", *say, {}, {}, "", 0);
    if (chat_client_id(contact.external_id) != say->client_id) std::abort();
    if (contact.subject.size() > 80 + 3) std::abort();
  }
  if (visitor_of_token("secret", "site", input)) std::abort();  // the MAC cannot be guessed
  (void)chat_origin_allowed(input, {"https://shop.example"}, "https://help.example");
  return 0;
}
