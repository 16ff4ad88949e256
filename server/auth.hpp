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

// "Authorization: Bearer T", else the console's HttpOnly session cookie.
std::optional<std::string> bearer_token(const HttpRequest& req);
// What the store keeps of a token: hex SHA-256. Tokens carry >= 128 random bits, so a plain
// hash (no salt, no stretching) is enough and lets us look them up by hash.
std::string token_hash(std::string_view token);
// agent < supervisor < admin. Unknown roles rank below everything.
bool role_allows(std::string_view have, std::string_view need);

// Counts failed logins per account and per client address in a sliding window. Thread-safe.
class LoginLimiter {
 public:
  struct Limits {
    int per_account = 5;
    int per_address = 20;
    std::chrono::seconds window{15 * 60};
  };
  LoginLimiter() : LoginLimiter(Limits{}) {}
  explicit LoginLimiter(Limits limits) : limits_(limits) {}
  // Seconds to wait before trying again, or 0 when a try is allowed now.
  int64_t retry_after(const std::string& account, const std::string& address);
  void failed(const std::string& account, const std::string& address);
  void succeeded(const std::string& account);

 private:
  struct Window {
    int failures = 0;
    std::chrono::steady_clock::time_point start;
  };
  int64_t wait_for(std::map<std::string, Window>& m, const std::string& key, int limit);
  void bump(std::map<std::string, Window>& m, const std::string& key);

  Limits limits_;
  std::mutex mu_;
  std::map<std::string, Window> accounts_;   // guarded by mu_
  std::map<std::string, Window> addresses_;  // guarded by mu_
};

}  // namespace touchpoint::server
