#include "server/auth.hpp"

#include <sodium.h>

namespace touchpoint::server {

std::optional<std::string> bearer_token(const HttpRequest& req) {
  constexpr std::string_view kBearer = "Bearer ";
  std::string_view auth = req.authorization;
  if (auth.substr(0, kBearer.size()) == kBearer && auth.size() > kBearer.size())
    return std::string(auth.substr(kBearer.size()));
  std::string_view cookies = req.cookie;
  std::string prefix = std::string(kSessionCookie) + "=";
  while (!cookies.empty()) {
    auto end = cookies.find(';');
    auto part = cookies.substr(0, end);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.substr(0, prefix.size()) == prefix && part.size() > prefix.size())
      return std::string(part.substr(prefix.size()));
    if (end == std::string_view::npos) break;
    cookies.remove_prefix(end + 1);
  }
  return std::nullopt;
}

std::string token_hash(std::string_view token) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return hex;
}

namespace {
int rank(std::string_view role) {
  if (role == "agent") return 1;
  if (role == "supervisor") return 2;
  if (role == "admin") return 3;
  return 0;
}
}  // namespace

bool role_allows(std::string_view have, std::string_view need) {
  return rank(have) > 0 && rank(have) >= rank(need);
}

int64_t LoginLimiter::wait_for(std::map<std::string, Window>& m, const std::string& key,
                               int limit) {
  auto it = m.find(key);
  if (it == m.end()) return 0;
  auto elapsed = std::chrono::steady_clock::now() - it->second.start;
  if (elapsed >= limits_.window) {
    m.erase(it);
    return 0;
  }
  if (it->second.failures < limit) return 0;
  return std::chrono::duration_cast<std::chrono::seconds>(limits_.window - elapsed).count() + 1;
}

void LoginLimiter::bump(std::map<std::string, Window>& m, const std::string& key) {
  auto now = std::chrono::steady_clock::now();
  auto& w = m[key];
  if (w.failures == 0 || now - w.start >= limits_.window) w = Window{0, now};
  ++w.failures;
}

int64_t LoginLimiter::retry_after(const std::string& account, const std::string& address) {
  std::lock_guard lock(mu_);
  return std::max(wait_for(accounts_, account, limits_.per_account),
                  wait_for(addresses_, address, limits_.per_address));
}

void LoginLimiter::failed(const std::string& account, const std::string& address) {
  std::lock_guard lock(mu_);
  // Bounded memory under a spray of made-up accounts: forget everything rather than grow.
  if (accounts_.size() > 100000) accounts_.clear();
  if (addresses_.size() > 100000) addresses_.clear();
  bump(accounts_, account);
  bump(addresses_, address);
}

void LoginLimiter::succeeded(const std::string& account) {
  std::lock_guard lock(mu_);
  accounts_.erase(account);
}

}  // namespace touchpoint::server
