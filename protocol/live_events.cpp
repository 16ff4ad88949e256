#include "protocol/live_events.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "protocol/time.hpp"

namespace touchpoint::protocol {
namespace {
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
void str(Writer& w, const std::string& s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}
}  // namespace

std::string live_ticket(int64_t ticket_id) {
  return R"({"ticket_id":)" + std::to_string(ticket_id) + "}";
}

std::string live_sla(int64_t ticket_id, const std::string& metric, int64_t due_at) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("ticket_id");
  w.Int64(ticket_id);
  w.Key("metric");
  str(w, metric);
  w.Key("due_at");
  str(w, format_rfc3339(due_at));
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

std::string live_survey_answered(int64_t ticket_id, int64_t survey_id, int score) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("ticket_id");
  w.Int64(ticket_id);
  w.Key("survey_id");
  w.Int64(survey_id);
  w.Key("score");
  w.Int(score);
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

std::string live_message(int64_t ticket_id, int64_t message_id, const std::string& direction,
                         const std::string& author, bool internal) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("ticket_id");
  w.Int64(ticket_id);
  w.Key("message_id");
  w.Int64(message_id);
  w.Key("direction");
  str(w, direction);
  w.Key("author");
  str(w, author);
  w.Key("internal");
  w.Bool(internal);
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

std::string live_delivery(int64_t ticket_id, int64_t message_id, const std::string& status,
                          const std::optional<std::string>& error) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("ticket_id");
  w.Int64(ticket_id);
  w.Key("message_id");
  w.Int64(message_id);
  w.Key("delivery_status");
  str(w, status);
  w.Key("delivery_error");
  if (error)
    str(w, *error);
  else
    w.Null();
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

std::string live_hello(int64_t seq, const std::string& epoch, const std::string& agent_json) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("seq");
  w.Int64(seq);
  w.Key("epoch");
  str(w, epoch);
  w.Key("agent");
  w.RawValue(agent_json.data(), agent_json.size(), rapidjson::kObjectType);
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

}  // namespace touchpoint::protocol
