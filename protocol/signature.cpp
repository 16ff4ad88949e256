#include "protocol/signature.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "protocol/hex.hpp"

namespace touchpoint::protocol {

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len);
  return to_hex(md, len);
}

std::string touchpoint_signature(std::string_view token, std::string_view body) {
  return "sha256=" + hmac_sha256_hex(token, body);
}

}  // namespace touchpoint::protocol
