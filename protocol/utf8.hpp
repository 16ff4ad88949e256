#pragma once
// UTF-8 validity (RFC 3629: no overlongs, no surrogates, nothing past U+10FFFF). Text from
// outside is repaired where it arrives (each invalid sequence becomes U+FFFD, as WHATWG's
// decoder does), so what we store and send is always UTF-8 and JSON stays JSON.
//
// Pure.
#include <string>
#include <string_view>

namespace touchpoint::protocol {

bool is_valid_utf8(std::string_view s);
// s with every maximal invalid subsequence replaced by U+FFFD; s itself when already valid.
std::string repair_utf8(std::string_view s);
// In place, copying only when something must change.
void repair_utf8_in_place(std::string& s);

}  // namespace touchpoint::protocol
