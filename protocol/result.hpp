#pragma once
// Result<T>: a value or an Error, spelled like std::expected so we can switch to it when
// clang-tidy parses <expected>. Expected failures are values; exceptions are for bugs.
#include <string>
#include <utility>
#include <variant>

namespace touchpoint {

enum class Errc {
  bad_request = 1,    // the caller sent something malformed
  unauthorized,       // missing or wrong credentials
  forbidden,          // authenticated, but not allowed
  not_found,
  method_not_allowed,
  conflict,
  unprocessable,      // well-formed but semantically invalid
  too_large,
  too_many_requests,
  unsupported_media,
  unavailable,        // try again later: overload, storage failure
  internal,
};

// message is safe to show to callers: never a secret, never a message body.
struct Error {
  Errc code;
  std::string message;
};

// snake_case name of an error code, used as the "code" of JSON errors.
const char* errc_name(Errc code);

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}           // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}        // NOLINT
  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const Error& error() const { return std::get<1>(v_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Error> v_;
};

struct Unit {};
using Status = Result<Unit>;
inline Status ok() { return Unit{}; }

}  // namespace touchpoint
