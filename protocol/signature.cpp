#include "protocol/signature.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace touchpoint::protocol {

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len);
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

std::string touchpoint_signature(std::string_view token, std::string_view body) {
  return "sha256=" + hmac_sha256_hex(token, body);
}

}  // namespace touchpoint::protocol
