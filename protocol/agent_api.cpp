// The agents' API answers: tickets, messages, customers, agents as JSON.
#include "protocol/agent_api.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "protocol/attachments_json.hpp"
#include "protocol/identity.hpp"
#include "protocol/time.hpp"

namespace touchpoint::protocol {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void str(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}
void key_str(Writer& w, const char* k, std::string_view v) {
  w.Key(k);
  str(w, v);
}
void key_time(Writer& w, const char* k, const std::optional<int64_t>& t) {
  w.Key(k);
  if (t)
    str(w, format_rfc3339(*t));
  else
    w.Null();
}
void key_opt_int(Writer& w, const char* k, const std::optional<int64_t>& v) {
  w.Key(k);
  if (v)
    w.Int64(*v);
  else
    w.Null();
}
void key_opt_str(Writer& w, const char* k, const std::optional<std::string>& v) {
  w.Key(k);
  if (v)
    str(w, *v);
  else
    w.Null();
}

// The ticket's fields, inside an object the caller opened (the full view appends to it).
void write_ticket_fields(Writer& w, const TicketRow& t) {
  w.Key("id");
  w.Int64(t.id);
  key_str(w, "subject", t.subject);
  key_str(w, "status", t.status);
  key_str(w, "priority", t.priority);
  key_str(w, "channel", t.channel_type);
  key_str(w, "channel_name", t.channel_name);
  w.Key("customer_id");
  w.Int64(t.customer_id);
  key_opt_int(w, "group", t.group_id);
  key_opt_int(w, "assignee", t.assignee_id);
  w.Key("tags");
  w.StartArray();
  for (const auto& tag : t.tags) str(w, tag);
  w.EndArray();
  key_time(w, "created_at", t.created_at);
  key_time(w, "updated_at", t.updated_at);
  key_time(w, "first_response_at", t.first_response_at);
  key_time(w, "solved_at", t.solved_at);
  key_opt_int(w, "merged_into", t.merged_into);
  w.Key("sla");
  if (t.sla.empty()) w.Null();
  else w.RawValue(t.sla.data(), t.sla.size(), rapidjson::kObjectType);
  w.Key("survey");
  if (t.survey.empty()) w.Null();
  else w.RawValue(t.survey.data(), t.survey.size(), rapidjson::kObjectType);
}

void write_ticket(Writer& w, const TicketRow& t) {
  w.StartObject();
  write_ticket_fields(w, t);
  w.EndObject();
}

void write_message(Writer& w, const MessageRow& m) {
  w.StartObject();
  w.Key("id");
  w.Int64(m.id);
  w.Key("ticket_id");
  w.Int64(m.ticket_id);
  key_str(w, "direction", m.direction);
  key_str(w, "author", m.author);
  w.Key("internal");
  w.Bool(m.internal);
  key_str(w, "body", m.body);
  key_opt_str(w, "html", m.html);
  key_str(w, "channel", m.channel_type);
  key_time(w, "created_at", m.created_at);
  key_time(w, "sent_at", m.sent_at);
  w.Key("attachments");
  w.StartArray();
  for (const auto& a : m.attachments) {
    w.StartObject();
    w.Key("id");
    w.Int64(a.id);
    key_str(w, "filename", a.filename);
    key_str(w, "content_type", a.content_type);
    w.Key("size");
    w.Int64(a.size);
    key_str(w, "sha256", a.sha256);
    w.EndObject();
  }
  w.EndArray();
  if (m.thread_rule || m.raw_sha256) {  // mail
    w.Key("email");
    w.StartObject();
    key_opt_str(w, "full_body", m.full_body);
    key_opt_str(w, "thread_rule", m.thread_rule);
    key_opt_str(w, "automatic", m.automatic);
    key_opt_str(w, "raw_sha256", m.raw_sha256);
    w.EndObject();
  }
  if (m.direction == "out") {
    key_opt_str(w, "delivery_status", m.delivery_status);
    key_opt_str(w, "delivery_error", m.delivery_error);
    if (m.send_options) {  // written by prepare_reply: an object, embedded as it is
      w.Key("send_options");
      w.RawValue(m.send_options->data(), m.send_options->size(), rapidjson::kObjectType);
    }
  }
  w.EndObject();
}

void write_event(Writer& w, const EventRow& e) {
  w.StartObject();
  w.Key("id");
  w.Int64(e.id);
  key_str(w, "type", e.type);
  key_str(w, "actor_type", e.actor_type);
  key_opt_int(w, "actor_id", e.actor_id);
  key_opt_int(w, "message_id", e.message_id);
  key_opt_str(w, "old_value", e.old_value);
  key_opt_str(w, "new_value", e.new_value);
  key_time(w, "created_at", e.created_at);
  w.EndObject();
}

std::string done(const rapidjson::StringBuffer& buf) { return {buf.GetString(), buf.GetSize()}; }

}  // namespace

std::string encode_message_created(const MessageCreated& m) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("message_id");
  w.Int64(m.message_id);
  w.Key("ticket_id");
  w.Int64(m.ticket_id);
  w.Key("delivery_status");
  if (m.queued_for_delivery)
    str(w, "queued");
  else
    w.Null();
  if (m.duplicate) {
    w.Key("duplicate");
    w.Bool(true);
  }
  w.EndObject();
  return done(buf);
}

std::string encode_customers(const std::vector<CustomerView>& customers,
                             const std::optional<std::string>& next_cursor) {
  std::string out = R"({"customers":[)";
  for (std::size_t i = 0; i < customers.size(); ++i)
    out += (i ? "," : "") + encode_customer(customers[i]);
  out += "]";
  if (next_cursor) out += R"(,"next_cursor":")" + *next_cursor + "\"";
  return out + "}";
}

std::string encode_channels(const std::vector<std::pair<std::string, std::string>>& channels) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("channels");
  w.StartArray();
  for (const auto& [type, name] : channels) {
    w.StartObject();
    key_str(w, "type", type);
    key_str(w, "name", name);
    key_str(w, "webhook", "/webhooks/" + type + "/" + name);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return done(buf);
}

std::string encode_templates(const TemplateCatalog& catalog) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("templates");
  w.StartArray();
  for (const auto& [channel, templates] : catalog) {
    for (const auto& t : templates) {
      w.StartObject();
      key_str(w, "channel_type", channel.first);
      key_str(w, "channel", channel.second);
      key_str(w, "name", t.name);
      key_str(w, "language", t.language);
      key_str(w, "text", t.text);
      w.Key("parameters");
      w.Int(template_parameter_count(t.text));
      w.EndObject();
    }
  }
  w.EndArray();
  w.EndObject();
  return done(buf);
}

std::string encode_reply_collision(int64_t agent_id, const std::string& agent_name) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("error");
  w.StartObject();
  key_str(w, "code", "conflict");
  key_str(w, "message", (agent_name.empty() ? std::string("Another agent") : agent_name) +
                            " replied after the newest message you saw; read it, then send with force to reply anyway");
  w.Key("agent");
  w.StartObject();
  w.Key("id");
  w.Int64(agent_id);
  key_str(w, "name", agent_name);
  w.EndObject();
  w.EndObject();
  w.EndObject();
  return done(buf);
}

std::string encode_group(const GroupRow& g) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("id");
  w.Int64(g.id);
  key_str(w, "name", g.name);
  w.Key("members");
  w.StartArray();
  for (int64_t m : g.members) w.Int64(m);
  w.EndArray();
  w.EndObject();
  return done(buf);
}

std::string encode_groups(const std::vector<GroupRow>& groups) {
  std::string out = R"({"groups":[)";
  for (std::size_t i = 0; i < groups.size(); ++i) out += (i ? "," : "") + encode_group(groups[i]);
  return out + "]}";
}

std::string encode_agents(const std::vector<AgentRow>& agents) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("agents");
  w.StartArray();
  for (const auto& a : agents) {
    w.StartObject();
    w.Key("id");
    w.Int64(a.id);
    key_str(w, "email", a.email);
    key_str(w, "name", a.name);
    key_str(w, "role", a.role);
    w.Key("active");
    w.Bool(a.active);
    w.Key("open_tickets");
    w.Int64(a.open_tickets);
    if (!a.presence.empty()) key_str(w, "presence", a.presence);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return done(buf);
}

std::string encode_tokens(const std::vector<TokenRow>& tokens) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("tokens");
  w.StartArray();
  for (const auto& t : tokens) {
    w.StartObject();
    w.Key("id");
    w.Int64(t.id);
    w.Key("agent_id");
    w.Int64(t.agent_id);
    key_str(w, "role", t.role);
    key_str(w, "name", t.name);
    key_time(w, "created_at", t.created_at);
    key_time(w, "expires_at", t.expires_at);
    key_time(w, "revoked_at", t.revoked_at);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return done(buf);
}

std::string encode_token_created(int64_t id, const std::string& token) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("id");
  w.Int64(id);
  key_str(w, "token", token);
  w.EndObject();
  return done(buf);
}

std::string encode_agent(const Principal& a) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("id");
  w.Int64(a.agent_id);
  key_str(w, "email", a.email);
  key_str(w, "name", a.name);
  key_str(w, "role", a.role);
  w.EndObject();
  return done(buf);
}

std::string encode_login(const std::string& token, int64_t expires_at, const Principal& agent) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  key_str(w, "token", token);
  key_time(w, "expires_at", expires_at);
  w.Key("agent");
  std::string a = encode_agent(agent);
  w.RawValue(a.data(), a.size(), rapidjson::kObjectType);
  w.EndObject();
  return done(buf);
}

std::string encode_ticket(const TicketRow& t) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  write_ticket(w, t);
  return done(buf);
}

std::string encode_ticket_view(const TicketView& v) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  write_ticket_fields(w, v.ticket);
  w.Key("messages");
  w.StartArray();
  for (const auto& m : v.messages) write_message(w, m);
  w.EndArray();
  w.Key("events");
  w.StartArray();
  for (const auto& e : v.events) write_event(w, e);
  w.EndArray();
  w.EndObject();
  return done(buf);
}

std::string encode_ticket_list(const std::vector<TicketRow>& tickets,
                               const std::optional<std::string>& next_cursor) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("tickets");
  w.StartArray();
  for (const auto& t : tickets) write_ticket(w, t);
  w.EndArray();
  key_opt_str(w, "next_cursor", next_cursor);
  w.EndObject();
  return done(buf);
}

std::string encode_customer(const CustomerView& c) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("id");
  w.Int64(c.id);
  key_str(w, "name", c.name);
  w.Key("identities");
  w.StartArray();
  for (const auto& i : c.identities) {
    w.StartObject();
    w.Key("id");
    w.Int64(i.id);
    key_str(w, "type", i.type);
    key_str(w, "address", i.address);
    w.EndObject();
  }
  w.EndArray();
  key_time(w, "created_at", c.created_at);
  key_opt_int(w, "merged_into", c.merged_into);
  key_opt_str(w, "language", c.language.empty() ? std::nullopt : std::optional<std::string>(c.language));
  w.EndObject();
  return done(buf);
}

}  // namespace touchpoint::protocol
