#include "server/auth.hpp"

#include <sodium.h>

#include "protocol/origin.hpp"

namespace touchpoint::server {

std::optional<Credential> credential_of(const HttpRequest& req) {
  constexpr std::string_view kBearer = "Bearer ";
  std::string_view auth = req.authorization;
  if (auth.substr(0, kBearer.size()) == kBearer && auth.size() > kBearer.size())
    return Credential{std::string(auth.substr(kBearer.size())), false};
  std::string_view cookies = req.cookie;
  std::string prefix = std::string(kSessionCookie) + "=";
  while (!cookies.empty()) {
    auto end = cookies.find(';');
    auto part = cookies.substr(0, end);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.substr(0, prefix.size()) == prefix && part.size() > prefix.size())
      return Credential{std::string(part.substr(prefix.size())), true};
    if (end == std::string_view::npos) break;
    cookies.remove_prefix(end + 1);
  }
  return std::nullopt;
}

bool from_our_origin(const HttpRequest& req, std::string_view public_url) {
  return protocol::from_our_origin(
      {req.header("origin"), req.header("sec-fetch-site"), req.header("host")}, public_url);
}

std::string session_cookie(std::string_view token, int64_t max_age, std::string_view public_url) {
  std::string c = std::string(kSessionCookie) + "=" + std::string(token) +
                  "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age);
  if (public_url.substr(0, 8) == "https://") c += "; Secure";
  return c;
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

LoginLimiter::Window* LoginLimiter::current(std::map<std::string, Window>& m,
                                             const std::string& key,
                                             std::chrono::steady_clock::time_point now) {
  auto it = m.find(key);
  if (it == m.end()) return nullptr;
  if (now - it->second.start >= limits_.window) {
    m.erase(it);
    return nullptr;
  }
  return &it->second;
}

int64_t LoginLimiter::seconds_left(const Window& w, std::chrono::steady_clock::time_point now) const {
  return std::chrono::duration_cast<std::chrono::seconds>(limits_.window - (now - w.start)).count() + 1;
}

int64_t LoginLimiter::begin(const std::string& account, const std::string& address) {
  auto now = std::chrono::steady_clock::now();
  std::string pair = account + '\n' + address;
  std::lock_guard lock(mu_);
  int64_t wait = 0;
  if (auto* w = current(addresses_, address, now); w && w->failures >= limits_.per_address)
    wait = std::max(wait, seconds_left(*w, now));
  if (auto* w = current(pairs_, pair, now); w && w->failures >= limits_.per_pair)
    wait = std::max(wait, seconds_left(*w, now));
  if (auto* w = current(accounts_, account, now); w && w->failures >= limits_.per_account) {
    auto since = now - w->last;
    if (since < limits_.account_spacing)
      wait = std::max<int64_t>(
          wait, std::chrono::duration_cast<std::chrono::seconds>(limits_.account_spacing - since)
                        .count() + 1);
  }
  if (wait > 0) return wait;
  // Bounded memory under a spray of made-up accounts: forget everything rather than grow.
  for (auto* m : {&addresses_, &pairs_, &accounts_})
    if (m->size() > 100000) m->clear();
  using Counted = std::pair<std::map<std::string, Window>*, const std::string*>;
  for (auto [m, key] : {Counted{&addresses_, &address}, Counted{&pairs_, &pair},
                        Counted{&accounts_, &account}}) {
    auto& w = (*m)[*key];
    if (w.failures == 0 || now - w.start >= limits_.window) w = Window{0, now, now};
    ++w.failures;
    w.last = now;
  }
  return 0;
}

void LoginLimiter::succeeded(const std::string& account, const std::string& address) {
  std::lock_guard lock(mu_);
  accounts_.erase(account);
  pairs_.erase(account + '\n' + address);
  if (auto it = addresses_.find(address); it != addresses_.end() && --it->second.failures <= 0)
    addresses_.erase(it);
}

}  // namespace touchpoint::server
