#include "protocol/macros.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "protocol/utf8.hpp"

namespace touchpoint::protocol {
namespace {
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
constexpr std::size_t kMaxName = 200, kMaxBody = 64 * 1024, kMaxTags = 50, kMaxTag = 100;

Error bad(std::string m) { return Error{Errc::bad_request, std::move(m)}; }
Error invalid(std::string m) { return Error{Errc::unprocessable, std::move(m)}; }

void str(Writer& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

bool one_of(std::string_view v, const auto& list) {
  return std::any_of(std::begin(list), std::end(list), [&](const char* x) { return v == x; });
}

// Every {{...}} in body names a known placeholder.
Status check_placeholders(std::string_view body) {
  for (auto at = body.find("{{"); at != std::string_view::npos; at = body.find("{{", at + 2)) {
    auto end = body.find("}}", at + 2);
    if (end == std::string_view::npos) return invalid("body: an unclosed {{");
    std::string_view name = body.substr(at + 2, end - at - 2);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (!one_of(name, kMacroPlaceholders))
      return invalid("body: unknown placeholder {{" + std::string(name) + "}}");
  }
  return ok();
}

Result<MacroActions> read_actions(const rapidjson::Value& v) {
  if (!v.IsObject()) return bad("actions must be an object");
  MacroActions a;
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    std::string_view k(it->name.GetString(), it->name.GetStringLength());
    const auto& x = it->value;
    if (k == "status" || k == "priority") {
      std::string value = x.IsString() ? std::string(x.GetString(), x.GetStringLength()) : "";
      bool known = k == "status" ? one_of(value, kTicketStatuses) : one_of(value, kPriorities);
      if (!known) return invalid("actions." + std::string(k) + ": \"" + value + "\" is not a " + std::string(k));
      (k == "status" ? a.status : a.priority) = value;
    } else if (k == "tags") {
      if (!x.IsArray() || x.Size() > kMaxTags) return invalid("actions.tags must be an array of tags");
      std::vector<std::string> tags;
      for (const auto& t : x.GetArray()) {
        if (!t.IsString() || t.GetStringLength() == 0 || t.GetStringLength() > kMaxTag)
          return invalid("actions.tags must be an array of tags");
        tags.emplace_back(t.GetString(), t.GetStringLength());
      }
      a.tags = std::move(tags);
    } else {
      return invalid("actions: unknown action " + std::string(k));
    }
  }
  return a;
}

void write_actions(Writer& w, const MacroActions& a) {
  w.StartObject();
  if (a.status) {
    w.Key("status");
    str(w, *a.status);
  }
  if (a.priority) {
    w.Key("priority");
    str(w, *a.priority);
  }
  if (a.tags) {
    w.Key("tags");
    w.StartArray();
    for (const auto& t : *a.tags) str(w, t);
    w.EndArray();
  }
  w.EndObject();
}

void write_macro(Writer& w, const Macro& m) {
  w.StartObject();
  w.Key("id");
  w.Int64(m.id);
  w.Key("name");
  str(w, m.name);
  w.Key("body");
  str(w, m.body);
  w.Key("actions");
  write_actions(w, m.actions);
  w.Key("shared");
  w.Bool(!m.owner);
  w.Key("owner_id");
  m.owner ? w.Int64(*m.owner) : w.Null();
  w.EndObject();
}

}  // namespace

Result<MacroInput> parse_macro(std::string_view json, bool all_required) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError() || !d.IsObject()) return bad("the body must be a JSON object");
  MacroInput in;
  for (auto it = d.MemberBegin(); it != d.MemberEnd(); ++it) {
    std::string_view k(it->name.GetString(), it->name.GetStringLength());
    const auto& v = it->value;
    if (k == "name" || k == "body") {
      std::size_t max = k == "name" ? kMaxName : kMaxBody;
      if (!v.IsString() || v.GetStringLength() == 0 || v.GetStringLength() > max)
        return bad(std::string(k) + " must be a non-empty string of at most " + std::to_string(max) + " bytes");
      std::string text(v.GetString(), v.GetStringLength());
      if (!is_valid_utf8(text)) return bad(std::string(k) + " must be UTF-8");
      (k == "name" ? in.name : in.body) = std::move(text);
    } else if (k == "actions") {
      auto a = read_actions(v);
      if (!a) return a.error();
      in.actions = std::move(a).value();
    } else {
      return bad("unknown field " + std::string(k));
    }
  }
  if (all_required && (!in.name || !in.body)) return bad("name and body are required");
  if (in.body)
    if (auto s = check_placeholders(*in.body); !s) return s.error();
  return in;
}

std::string render_macro(std::string_view body, const std::map<std::string, std::string>& values) {
  std::string out;
  std::size_t at = 0;
  while (true) {
    auto open = body.find("{{", at);
    auto close = open == std::string_view::npos ? open : body.find("}}", open + 2);
    if (close == std::string_view::npos) {
      out.append(body.substr(at));
      return out;
    }
    out.append(body.substr(at, open - at));
    std::string name(body.substr(open + 2, close - open - 2));
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    if (auto it = values.find(name); it != values.end()) out += it->second;
    at = close + 2;
  }
}

std::string encode_macro_actions(const MacroActions& a) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  write_actions(w, a);
  return sb.GetString();
}

MacroActions decode_macro_actions(std::string_view json) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError()) return {};
  auto a = read_actions(d);
  return a ? a.value() : MacroActions{};
}

TicketPatch macro_patch(const MacroActions& a) {
  TicketPatch p;
  p.status = a.status;
  p.priority = a.priority;
  p.tags = a.tags;
  return p;
}

std::string encode_macro(const Macro& m) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  write_macro(w, m);
  return sb.GetString();
}

std::string encode_rendered_macro(std::string_view body) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key("body");
  str(w, body);
  w.EndObject();
  return sb.GetString();
}

std::string encode_macros(const std::vector<Macro>& macros) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key("macros");
  w.StartArray();
  for (const auto& m : macros) write_macro(w, m);
  w.EndArray();
  w.EndObject();
  return sb.GetString();
}

}  // namespace touchpoint::protocol
