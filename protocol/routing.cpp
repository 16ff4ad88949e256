#include "protocol/routing.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <set>

namespace touchpoint::protocol {

std::optional<RoutingMode> routing_mode(std::string_view name) {
  if (name == "manual") return RoutingMode::manual;
  if (name == "round_robin") return RoutingMode::round_robin;
  if (name == "least_busy") return RoutingMode::least_busy;
  return std::nullopt;
}

std::optional<int64_t> choose_agent(const RoutingSettings& s, std::vector<RoutingCandidate> candidates,
                                    std::optional<int64_t> last) {
  if (s.mode == RoutingMode::manual) return std::nullopt;
  std::erase_if(candidates, [&](const RoutingCandidate& c) { return c.open >= s.max_open_per_agent; });
  if (candidates.empty()) return std::nullopt;
  // Turn order: the agents after last by id, then from the start.
  int64_t after = last.value_or(INT64_MIN);
  auto turn = [after](const RoutingCandidate& c) { return std::pair{c.agent_id <= after, c.agent_id}; };
  std::sort(candidates.begin(), candidates.end(),
            [&](const RoutingCandidate& a, const RoutingCandidate& b) { return turn(a) < turn(b); });
  if (s.mode == RoutingMode::round_robin) return candidates.front().agent_id;
  auto best = std::min_element(candidates.begin(), candidates.end(),
                               [](const RoutingCandidate& a, const RoutingCandidate& b) { return a.open < b.open; });
  return best->agent_id;  // min_element keeps the first of equals: the next in turn
}

namespace {
Error bad(std::string m) { return Error{Errc::bad_request, std::move(m)}; }
}  // namespace

Result<bool> parse_presence(std::string_view body) {
  rapidjson::Document d;
  d.Parse(body.data(), body.size());
  if (d.HasParseError() || !d.IsObject()) return bad("the body must be a JSON object");
  for (auto it = d.MemberBegin(); it != d.MemberEnd(); ++it)
    if (std::string_view(it->name.GetString()) != "status")
      return bad(std::string("unknown field ") + it->name.GetString());
  auto it = d.FindMember("status");
  if (it == d.MemberEnd() || !it->value.IsString()) return bad("status must be \"online\" or \"away\"");
  std::string_view v(it->value.GetString(), it->value.GetStringLength());
  if (v != "online" && v != "away") return Error{Errc::unprocessable, "status must be \"online\" or \"away\""};
  return v == "away";
}

Result<std::vector<int64_t>> parse_group_members(std::string_view body) {
  rapidjson::Document d;
  d.Parse(body.data(), body.size());
  if (d.HasParseError() || !d.IsObject()) return bad("the body must be a JSON object");
  for (auto it = d.MemberBegin(); it != d.MemberEnd(); ++it)
    if (std::string_view(it->name.GetString()) != "agents")
      return bad(std::string("unknown field ") + it->name.GetString());
  auto it = d.FindMember("agents");
  if (it == d.MemberEnd() || !it->value.IsArray()) return bad("agents must be an array of agent ids");
  if (it->value.Size() > 1000) return bad("at most 1000 members");
  std::set<int64_t> ids;
  for (const auto& v : it->value.GetArray()) {
    if (!v.IsInt64() || v.GetInt64() <= 0) return bad("agents must be an array of agent ids");
    ids.insert(v.GetInt64());
  }
  return std::vector<int64_t>(ids.begin(), ids.end());
}

Result<bool> parse_viewing(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return false;
  rapidjson::Document d;
  d.Parse(body.data(), body.size());
  if (d.HasParseError() || !d.IsObject()) return bad("the body must be a JSON object");
  bool typing = false;
  for (auto it = d.MemberBegin(); it != d.MemberEnd(); ++it) {
    if (std::string_view(it->name.GetString()) != "typing" || !it->value.IsBool())
      return bad("the only field is typing, true or false");
    typing = it->value.GetBool();
  }
  return typing;
}

std::string encode_presence(int64_t agent_id, std::string_view status) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  w.Key("agent_id");
  w.Int64(agent_id);
  w.Key("status");
  w.String(status.data(), static_cast<rapidjson::SizeType>(status.size()));
  w.EndObject();
  return sb.GetString();
}

}  // namespace touchpoint::protocol
