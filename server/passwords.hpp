#pragma once
// Password hashing (argon2id through libsodium) and random secrets.
#include <string>
#include <string_view>

namespace touchpoint::server {

// crypto_pwhash_str: argon2id, with its salt and parameters inside the returned string.
std::string hash_password(std::string_view password);
bool verify_password(const std::string& hash, std::string_view password);
// A URL-safe random string carrying `bytes` bytes of entropy.
std::string random_secret(std::size_t bytes = 18);
// Constant-time equality, for tokens and signatures.
bool secure_equals(std::string_view a, std::string_view b);

}  // namespace touchpoint::server
