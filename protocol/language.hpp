#pragma once
// A customer's language as a channel states it (Telegram's language_code, a chat visitor's
// browser), kept as a BCP 47 tag: surveys then ask in it when it is a built-in one. Pure.
#include <string>
#include <string_view>

namespace touchpoint::protocol {

// "it-IT", "pt_BR", "EN" -> "it-it", "pt-br", "en": letters, digits and hyphens, lowercased,
// starting with a 2–3 letter language; "" for anything else (nothing known).
std::string language_tag(std::string_view raw);

}  // namespace touchpoint::protocol
