#include "server/config_survey.hpp"

#include "protocol/duration.hpp"

namespace touchpoint::server {
namespace {
Error bad(std::string message) { return Error{Errc::bad_request, std::move(message)}; }
}  // namespace

Result<std::optional<protocol::SurveySettings>> read_survey_config(
    const std::string& path, const toml::table& root, const std::vector<ChannelConfig>& channels) {
  protocol::SurveySettings s;
  for (const auto& ch : channels) {
    std::string name = ch.get("survey_template");
    if (name.empty()) continue;
    std::string where = path + ": channel " + ch.name + ": survey_template";
    if (ch.type != "whatsapp" && ch.type != "twilio")
      return bad(where + ": only WhatsApp channels (whatsapp, twilio) open a conversation with a template");
    const protocol::ReplyTemplate* found = nullptr;
    for (const auto& t : ch.templates)
      if (t.name == name) found = &t;
    if (!found) return bad(where + ": no [[channel.template]] named \"" + name + "\"");
    if (protocol::template_parameter_count(found->text) > 0)
      return bad(where + ": the template \"" + name + "\" takes parameters; a survey sends none");
    s.templates[ch.name] = *found;
  }
  auto* node = root.get("survey");
  if (!node) return std::optional<protocol::SurveySettings>();
  auto* table = node->as_table();
  if (!table) return bad(path + ": survey must be a table ([survey])");
  for (auto&& [key, value] : *table) {
    std::string k(key.str());
    std::string where = path + ": survey." + k;
    auto text = value.value<std::string>();
    if (!text) return bad(where + " must be a string");
    if (k == "kind") {
      auto kind = protocol::survey_kind(*text);
      if (!kind) return bad(where + ": unknown kind \"" + *text + "\" (csat, nps or ces)");
      s.kind = *kind;
    } else if (k == "language") {
      if (!protocol::is_survey_language(*text))
        return bad(where + ": unknown language \"" + *text + "\" (en, it, es or pl)");
      s.language = *text;
    } else if (k == "delay" || k == "cooldown" || k == "expires") {
      auto seconds = protocol::parse_duration(*text);
      if (!seconds) return bad(where + ": \"" + *text + "\" is not a duration (like 90s, 15m, 1h, 7d)");
      if (k == "expires" && *seconds == 0) return bad(where + " must be longer than 0s");
      (k == "delay" ? s.delay_seconds : k == "cooldown" ? s.cooldown_seconds : s.expires_seconds) = *seconds;
    } else {
      return bad(path + ": unknown key survey." + k);
    }
  }
  return std::optional<protocol::SurveySettings>(std::move(s));
}

}  // namespace touchpoint::server
