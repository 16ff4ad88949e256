#pragma once
// Authentication helpers for /api/v1: where a bearer token is found, how it is stored, how
// roles compare, and the failed-login limiter.
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "server/http_types.hpp"

namespace touchpoint::server {

inline constexpr const char* kSessionCookie = "tp_session";
inline constexpr int64_t kSessionSeconds = 12 * 3600;

struct Credential {
  std::string token;
  bool from_cookie = false;  // a browser attaches cookies to cross-site requests too
};
// "Authorization: Bearer T", else the console's HttpOnly session cookie.
std::optional<Credential> credential_of(const HttpRequest& req);
inline std::optional<std::string> bearer_token(const HttpRequest& req) {
  auto c = credential_of(req);
  return c ? std::optional<std::string>(std::move(c->token)) : std::nullopt;
}
// True when req comes from a page of ours (its Origin, or Sec-Fetch-Site): what a request
// authenticated by the cookie alone must show before it may change anything or open /live.
bool from_our_origin(const HttpRequest& req, std::string_view public_url);
// The session cookie as Set-Cookie sends it: HttpOnly, SameSite=Strict, and Secure whenever
// public_url is https. An empty token with max_age 0 clears it.
std::string session_cookie(std::string_view token, int64_t max_age, std::string_view public_url);
// What the store keeps of a token: hex SHA-256. Tokens carry >= 128 random bits, so a plain
// hash (no salt, no stretching) is enough and lets us look them up by hash.
std::string token_hash(std::string_view token);
// agent < supervisor < admin. Unknown roles rank below everything.
bool role_allows(std::string_view have, std::string_view need);

// Counts failed logins in a window, three ways. One address may fail per_address times (on
// any accounts), and per_pair times on one account; past that it waits for the window to end.
// An account attacked from many addresses is never locked (that would let anyone lock an agent
// out by guessing): past per_account failures its attempts are only spaced account_spacing
// apart, whoever makes them, so the agent still signs in within seconds. Thread-safe.
class LoginLimiter {
 public:
  struct Limits {
    int per_address = 20;
    int per_pair = 5;
    int per_account = 10;
    std::chrono::seconds account_spacing{2};
    std::chrono::seconds window{15 * 60};
  };
  LoginLimiter() : LoginLimiter(Limits{}) {}
  explicit LoginLimiter(Limits limits) : limits_(limits) {}
  // Reserves one attempt before the password is checked, so guesses sent in parallel are
  // counted as they arrive, not after argon2 finishes: 0 when the attempt may go ahead (it
  // counts as a failure until succeeded()), else the seconds to wait.
  int64_t begin(const std::string& account, const std::string& address);
  // The right password: the account's and this pair's failures are forgotten and the address
  // gets its attempt back.
  void succeeded(const std::string& account, const std::string& address);

 private:
  struct Window {
    int failures = 0;
    std::chrono::steady_clock::time_point start;
    std::chrono::steady_clock::time_point last;  // the last attempt
  };
  Window* current(std::map<std::string, Window>& m, const std::string& key,
                  std::chrono::steady_clock::time_point now);
  int64_t seconds_left(const Window& w, std::chrono::steady_clock::time_point now) const;

  Limits limits_;
  std::mutex mu_;
  std::map<std::string, Window> addresses_;  // guarded by mu_
  std::map<std::string, Window> pairs_;      // account + '\n' + address; guarded by mu_
  std::map<std::string, Window> accounts_;   // guarded by mu_
};

}  // namespace touchpoint::server
