#pragma once
// Small, forgiving readers over RapidJSON values for provider payloads: a field of the wrong
// type reads as absent, so one odd field never loses the rest of a delivery.
#include <rapidjson/document.h>

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace touchpoint::protocol::json {

using Value = rapidjson::Value;

inline const Value* member(const Value& v, const char* key) {
  if (!v.IsObject()) return nullptr;
  auto it = v.FindMember(key);
  return it == v.MemberEnd() ? nullptr : &it->value;
}
inline const Value* object(const Value& v, const char* key) {
  auto* m = member(v, key);
  return m && m->IsObject() ? m : nullptr;
}
inline const Value* array(const Value& v, const char* key) {
  auto* m = member(v, key);
  return m && m->IsArray() ? m : nullptr;
}
// Strings as they are; integers as decimal text (Telegram and Meta ids come as either).
inline std::string text(const Value& v, const char* key) {
  auto* m = member(v, key);
  if (!m) return {};
  if (m->IsString()) return std::string(m->GetString(), m->GetStringLength());
  if (m->IsInt64()) return std::to_string(m->GetInt64());
  if (m->IsUint64()) return std::to_string(m->GetUint64());
  return {};
}
// A number, or a string holding one (WhatsApp timestamps are strings).
inline std::optional<int64_t> integer(const Value& v, const char* key) {
  auto* m = member(v, key);
  if (!m) return std::nullopt;
  if (m->IsInt64()) return m->GetInt64();
  if (m->IsString()) {
    char* end = nullptr;
    long long n = std::strtoll(m->GetString(), &end, 10);
    if (end && *end == '\0' && m->GetStringLength() > 0) return n;
  }
  return std::nullopt;
}
inline std::optional<double> number(const Value& v, const char* key) {
  auto* m = member(v, key);
  if (m && m->IsNumber()) return m->GetDouble();
  return std::nullopt;
}
inline bool flag(const Value& v, const char* key) {
  auto* m = member(v, key);
  return m && m->IsBool() && m->GetBool();
}

}  // namespace touchpoint::protocol::json
