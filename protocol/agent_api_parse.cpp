// The agents' API request bodies: parsed and checked before anything is stored.
#include "protocol/agent_api.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "protocol/attachments_json.hpp"
#include "protocol/identity.hpp"
#include "protocol/time.hpp"

namespace touchpoint::protocol {

Result<LoginRequest> parse_login(std::string_view body) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject())
    return Error{Errc::bad_request, "body must be a JSON object"};
  auto email = doc.FindMember("email");
  auto password = doc.FindMember("password");
  if (email == doc.MemberEnd() || !email->value.IsString() || password == doc.MemberEnd() ||
      !password->value.IsString())
    return Error{Errc::bad_request, "email and password are required strings"};
  if (password->value.GetStringLength() > 1024)
    return Error{Errc::bad_request, "password is too long"};
  auto e = normalize_email({email->value.GetString(), email->value.GetStringLength()});
  if (!e) return Error{Errc::bad_request, "email is not an email address"};
  return LoginRequest{*e, std::string(password->value.GetString(), password->value.GetStringLength())};
}

namespace {
Error bad(std::string m) { return Error{Errc::bad_request, std::move(m)}; }

Result<rapidjson::Document> parse_object(std::string_view body) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return bad("body must be a JSON object");
  return doc;
}

Result<std::optional<int64_t>> nullable_id(const rapidjson::Value& v, const char* name) {
  if (v.IsNull()) return std::optional<int64_t>{};
  if (!v.IsInt64() || v.GetInt64() <= 0) return bad(std::string(name) + " must be an id or null");
  return std::optional<int64_t>{v.GetInt64()};
}
}  // namespace

Result<TicketPatch> parse_ticket_patch(std::string_view body) {
  auto doc = parse_object(body);
  if (!doc) return doc.error();
  TicketPatch p;
  for (auto& m : doc->GetObject()) {
    std::string_view k(m.name.GetString(), m.name.GetStringLength());
    const auto& v = m.value;
    auto string_field = [&](std::optional<std::string>& out, std::size_t max) -> Status {
      if (!v.IsString()) return bad(std::string(k) + " must be a string");
      if (v.GetStringLength() > max) return bad(std::string(k) + " is too long");
      out = std::string(v.GetString(), v.GetStringLength());
      return ok();
    };
    Status s = ok();
    if (k == "status") {
      s = string_field(p.status, 32);
    } else if (k == "priority") {
      s = string_field(p.priority, 32);
    } else if (k == "subject") {
      s = string_field(p.subject, 998);
      if (s && p.subject->empty()) s = bad("subject must not be empty");
    } else if (k == "assignee" || k == "group") {
      auto id = nullable_id(v, k == "assignee" ? "assignee" : "group");
      if (!id) return id.error();
      (k == "assignee" ? p.assignee : p.group) = id.value();
    } else if (k == "tags") {
      if (!v.IsArray() || v.Size() > kMaxTags) return bad("tags must be an array of at most 50 strings");
      std::vector<std::string> tags;
      for (auto& t : v.GetArray()) {
        if (!t.IsString() || t.GetStringLength() == 0 || t.GetStringLength() > kMaxTagBytes)
          return bad("each tag must be a non-empty string of at most 64 bytes");
        std::string tag(t.GetString(), t.GetStringLength());
        if (tag.find_first_of(" \t\r\n") != std::string::npos) return bad("tags cannot contain spaces");
        tags.push_back(std::move(tag));
      }
      p.tags = std::move(tags);
    } else {
      return bad("unknown field " + std::string(k));
    }
    if (!s) return s.error();
  }
  if (p.empty()) return bad("nothing to change");
  return p;
}

namespace {
// {"name": "...", "language": "...", "parameters": ["...", ...]}
Status read_template(const rapidjson::Value& v, AgentMessage& m) {
  if (!v.IsObject()) return bad("template must be an object with name and parameters");
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    std::string_view k(it->name.GetString(), it->name.GetStringLength());
    const auto& f = it->value;
    if (k == "name" || k == "language") {
      if (!f.IsString() || f.GetStringLength() == 0 || f.GetStringLength() > 512)
        return bad("template." + std::string(k) + " must be a non-empty string");
      (k == "name" ? m.template_name : m.template_language).assign(f.GetString(), f.GetStringLength());
    } else if (k == "parameters") {
      if (!f.IsArray() || f.Size() > 100) return bad("template.parameters must be an array of strings");
      for (const auto& p : f.GetArray()) {
        if (!p.IsString() || p.GetStringLength() > 4096)
          return bad("template.parameters must be an array of strings");
        m.parameters.emplace_back(p.GetString(), p.GetStringLength());
      }
    } else {
      return bad("unknown field template." + std::string(k));
    }
  }
  if (m.template_name.empty()) return bad("template.name is required");
  return ok();
}
}  // namespace

Result<AgentMessage> parse_agent_message(std::string_view body) {
  auto doc = parse_object(body);
  if (!doc) return doc.error();
  AgentMessage m;
  for (auto it = doc->MemberBegin(); it != doc->MemberEnd(); ++it) {
    std::string_view k(it->name.GetString(), it->name.GetStringLength());
    const auto& v = it->value;
    if (k == "body") {
      if (!v.IsString()) return bad("body must be a string");
      if (v.GetStringLength() > kMaxReplyBytes) return bad("body is too long");
      m.body.assign(v.GetString(), v.GetStringLength());
    } else if (k == "internal") {
      if (!v.IsBool()) return bad("internal must be true or false");
      m.internal = v.GetBool();
    } else if (k == "template") {
      if (auto s = read_template(v, m); !s) return s.error();
    } else if (k == "attachments") {
      auto files = read_attachments(v);
      if (!files) return files.error();
      m.attachments = std::move(files).value();
      std::size_t total = 0;
      for (const auto& f : m.attachments) total += f.data.size();
      if (total > kMaxReplyFilesBytes)
        return bad("the attachments are larger than " + std::to_string(kMaxReplyFilesBytes >> 20) + " MiB together");
    } else if (k == "seen_message_id") {
      if (!v.IsInt64() || v.GetInt64() < 0) return bad("seen_message_id must be a message id");
      m.seen_message_id = v.GetInt64();
    } else if (k == "macro_id") {
      if (!v.IsInt64() || v.GetInt64() <= 0) return bad("macro_id must be a macro id");
      m.macro_id = v.GetInt64();
    } else if (k == "force") {
      if (!v.IsBool()) return bad("force must be true or false");
      m.force = v.GetBool();
    } else if (k == "tag") {
      if (!v.IsString() || v.GetStringLength() == 0 || v.GetStringLength() > 64)
        return bad("tag must be a message tag such as HUMAN_AGENT");
      m.tag.assign(v.GetString(), v.GetStringLength());
    } else {
      return bad("unknown field " + std::string(k));
    }
  }
  if (m.body.empty() && m.template_name.empty()) return bad("body is required");
  return m;
}

namespace {
Result<std::string> required_string(const rapidjson::Value& obj, const char* key, std::size_t min,
                                    std::size_t max) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsString())
    return bad(std::string(key) + " is required and must be a string");
  std::size_t n = it->value.GetStringLength();
  if (n < min || n > max)
    return bad(std::string(key) + " must have " + std::to_string(min) + " to " +
               std::to_string(max) + " characters");
  return std::string(it->value.GetString(), n);
}
}  // namespace

Result<int64_t> parse_merge(std::string_view body) {
  auto doc = parse_object(body);
  if (!doc) return doc.error();
  auto into = doc->FindMember("into");
  if (into == doc->MemberEnd() || !into->value.IsInt64() || into->value.GetInt64() <= 0)
    return bad("into must be the id of the ticket to merge into");
  return into->value.GetInt64();
}

Result<std::string> parse_customer_name(std::string_view body) {
  auto doc = parse_object(body);
  if (!doc) return doc.error();
  return required_string(*doc, "name", 1, 256);
}

Result<Identity> parse_identity(std::string_view body) {
  auto doc = parse_object(body);
  if (!doc) return doc.error();
  auto type = required_string(*doc, "type", 1, 20);
  auto address = required_string(*doc, "address", 1, 256);
  if (!type) return type.error();
  if (!address) return address.error();
  if (*type == "email") {
    auto e = normalize_email(*address);
    if (!e) return Error{Errc::unprocessable, "address is not an email address"};
    return Identity{"email", *e};
  }
  if (*type == "phone" || *type == "whatsapp") {
    auto p = normalize_phone(*address);
    if (!p) return Error{Errc::unprocessable, "address is not a phone number"};
    return Identity{*type, *p};
  }
  if (*type == "telegram" || *type == "messenger" || *type == "instagram")
    return Identity{*type, *address};
  return Error{Errc::unprocessable,
               "type must be email, phone, whatsapp, telegram, messenger or instagram"};
}

std::vector<Identity> identity_candidates(std::string_view lookup) {
  std::vector<Identity> out;
  if (auto e = normalize_email(lookup)) out.push_back({"email", *e});
  if (auto p = normalize_phone(lookup)) {
    out.push_back({"phone", *p});
    out.push_back({"whatsapp", *p});
  }
  for (const char* t : {"telegram", "messenger", "instagram"})
    out.push_back({t, std::string(lookup)});
  return out;
}

Result<AgentUpdate> parse_agent_update(std::string_view body) {
  auto doc = parse_object(body);
  if (!doc) return doc.error();
  AgentUpdate u;
  for (auto& m : doc->GetObject()) {
    std::string_view k(m.name.GetString(), m.name.GetStringLength());
    if (k == "role") {
      if (!m.value.IsString()) return bad("role must be a string");
      u.role = std::string(m.value.GetString(), m.value.GetStringLength());
      if (!is_role(*u.role)) return Error{Errc::unprocessable, "role must be agent, supervisor or admin"};
    } else if (k == "active") {
      if (!m.value.IsBool()) return bad("active must be true or false");
      u.active = m.value.GetBool();
    } else {
      return bad("unknown field " + std::string(k));
    }
  }
  if (!u.role && !u.active) return bad("nothing to change");
  return u;
}

Result<std::string> parse_group_name(std::string_view body) {
  auto doc = parse_object(body);
  if (!doc) return doc.error();
  return required_string(*doc, "name", 1, 100);
}

Result<NewAgentRequest> parse_new_agent(std::string_view body) {
  auto doc = parse_object(body);
  if (!doc) return doc.error();
  auto email = required_string(*doc, "email", 3, 254);
  auto name = required_string(*doc, "name", 1, 200);
  auto role = required_string(*doc, "role", 1, 20);
  auto password = required_string(*doc, "password", 8, 1024);
  for (auto* r : {&email, &name, &role, &password})
    if (!*r) return r->error();
  auto e = normalize_email(*email);
  if (!e) return bad("email is not an email address");
  if (!is_role(*role)) return Error{Errc::unprocessable, "role must be agent, supervisor or admin"};
  return NewAgentRequest{*e, *name, *role, *password};
}

Result<NewTokenRequest> parse_new_token(std::string_view body) {
  auto doc = parse_object(body);
  if (!doc) return doc.error();
  NewTokenRequest t;
  auto agent = doc->FindMember("agent_id");
  if (agent == doc->MemberEnd() || !agent->value.IsInt64() || agent->value.GetInt64() <= 0)
    return bad("agent_id is required");
  t.agent_id = agent->value.GetInt64();
  auto role = required_string(*doc, "role", 1, 20);
  auto name = required_string(*doc, "name", 1, 200);
  if (!role) return role.error();
  if (!name) return name.error();
  if (!is_role(*role)) return Error{Errc::unprocessable, "role must be agent, supervisor or admin"};
  t.role = *role;
  t.name = *name;
  if (auto e = doc->FindMember("expires_at"); e != doc->MemberEnd() && !e->value.IsNull()) {
    if (!e->value.IsString()) return bad("expires_at must be an RFC 3339 time");
    t.expires_at = parse_rfc3339({e->value.GetString(), e->value.GetStringLength()});
    if (!t.expires_at) return bad("expires_at must be an RFC 3339 time");
  }
  return t;
}

}  // namespace touchpoint::protocol
