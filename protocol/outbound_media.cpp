#include "protocol/outbound_media.hpp"

#include <charconv>

#include "protocol/signature.hpp"

namespace touchpoint::protocol {
namespace {

std::string mac(std::string_view secret, std::string_view signed_part) {
  // A purpose prefix: no other token of ours (visitor, survey) can pass for this one.
  return hmac_sha256_hex(secret, "touchpoint outbound media " + std::string(signed_part)).substr(0, 32);
}

std::optional<int64_t> number(std::string_view s) {
  int64_t v = 0;
  if (s.empty() || s.size() > 19) return std::nullopt;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

}  // namespace

std::string outbound_media_token(std::string_view secret, int64_t attachment_id, int64_t expires_at) {
  std::string signed_part = std::to_string(attachment_id) + "." + std::to_string(expires_at);
  return "o1." + signed_part + "." + mac(secret, signed_part);
}

std::optional<int64_t> outbound_media_attachment(std::string_view secret, std::string_view token, int64_t now) {
  if (token.size() > 80 || token.substr(0, 3) != "o1.") return std::nullopt;
  std::string_view rest = token.substr(3);
  auto dot1 = rest.find('.');
  if (dot1 == std::string_view::npos) return std::nullopt;
  auto dot2 = rest.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos) return std::nullopt;
  auto id = number(rest.substr(0, dot1));
  auto expires = number(rest.substr(dot1 + 1, dot2 - dot1 - 1));
  if (!id || !expires) return std::nullopt;
  if (!constant_time_equals(rest.substr(dot2 + 1), mac(secret, rest.substr(0, dot2)))) return std::nullopt;
  if (now >= *expires) return std::nullopt;
  return id;
}

std::string outbound_media_url(std::string_view public_url, std::string_view secret, int64_t attachment_id,
                               int64_t expires_at) {
  std::string base(public_url);
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/media/out/" + outbound_media_token(secret, attachment_id, expires_at);
}

}  // namespace touchpoint::protocol
