#include "server/config_sla.hpp"

namespace touchpoint::server {
namespace {

Error bad(std::string message) { return Error{Errc::bad_request, std::move(message)}; }

Result<std::vector<std::string>> strings(const std::string& where, const toml::node& node) {
  std::vector<std::string> out;
  auto* arr = node.as_array();
  if (!arr) return bad(where + " must be an array of strings");
  for (auto& item : *arr) {
    auto s = item.value<std::string>();
    if (!s) return bad(where + " must be an array of strings");
    out.push_back(*s);
  }
  return out;
}

Result<std::string> string(const std::string& where, const toml::node& node) {
  auto s = node.value<std::string>();
  if (!s) return bad(where + " must be a string");
  return *s;
}

// Each [[name]] table, in order; absent: none.
Result<std::vector<const toml::table*>> tables(const std::string& path, const toml::table& root,
                                               const char* name) {
  std::vector<const toml::table*> out;
  auto* node = root.get(name);
  if (!node) return out;
  auto* arr = node->as_array();
  if (!arr) return bad(path + ": " + name + " must be an array of tables ([[" + name + "]])");
  for (std::size_t i = 0; i < arr->size(); ++i) {
    auto* t = (*arr)[i].as_table();
    if (!t) return bad(path + ": " + name + " #" + std::to_string(i + 1) + " must be a table");
    out.push_back(t);
  }
  return out;
}

// "calendar office" once the name is known, "calendar #2" before.
std::string label(const char* kind, const toml::table& t, std::size_t i) {
  if (auto n = t["name"].value<std::string>()) return std::string(kind) + " " + *n;
  return std::string(kind) + " #" + std::to_string(i + 1);
}

}  // namespace

Result<std::shared_ptr<const protocol::SlaPolicies>> read_sla_config(const std::string& path,
                                                                     const toml::table& root) {
  auto calendar_tables = tables(path, root, "calendar");
  if (!calendar_tables) return calendar_tables.error();
  std::vector<protocol::CalendarSpec> calendars;
  for (std::size_t i = 0; i < calendar_tables->size(); ++i) {
    const toml::table& t = *(*calendar_tables)[i];
    std::string where = path + ": " + label("calendar", t, i);
    protocol::CalendarSpec spec;
    for (auto&& [key, node] : t) {
      std::string k(key.str());
      std::string at = where + "." + k;
      if (k == "name" || k == "timezone") {
        auto s = string(at, node);
        if (!s) return s.error();
        (k == "name" ? spec.name : spec.timezone) = *s;
      } else if (k == "hours" || k == "holidays") {
        auto list = strings(at, node);
        if (!list) return list.error();
        (k == "hours" ? spec.hours : spec.holidays) = std::move(list).value();
      } else {
        return bad(where + ": unknown key " + k);
      }
    }
    if (spec.timezone.empty()) return bad(where + ".timezone is required");
    calendars.push_back(std::move(spec));
  }

  auto sla_tables = tables(path, root, "sla");
  if (!sla_tables) return sla_tables.error();
  std::vector<protocol::SlaPolicySpec> policies;
  for (std::size_t i = 0; i < sla_tables->size(); ++i) {
    const toml::table& t = *(*sla_tables)[i];
    std::string where = path + ": " + label("sla", t, i);
    protocol::SlaPolicySpec spec;
    for (auto&& [key, node] : t) {
      std::string k(key.str());
      std::string at = where + "." + k;
      if (k == "match") {
        auto* m = node.as_table();
        if (!m) return bad(at + " must be an inline table, e.g. { priority = [\"urgent\"] }");
        for (auto&& [mk, mv] : *m) {
          std::string mkey(mk.str());
          auto list = strings(at + "." + mkey, mv);
          if (!list) return list.error();
          spec.match[mkey] = std::move(list).value();
        }
      } else if (k == "pause_statuses") {
        auto list = strings(at, node);
        if (!list) return list.error();
        spec.pause_statuses = std::move(list).value();
      } else if (k == "name" || k == "calendar" || k == "first_reply" || k == "next_reply" ||
                 k == "resolution" || k == "warn_before") {
        auto s = string(at, node);
        if (!s) return s.error();
        if (k == "name") spec.name = *s;
        else if (k == "calendar") spec.calendar = *s;
        else if (k == "first_reply") spec.first_reply = *s;
        else if (k == "next_reply") spec.next_reply = *s;
        else if (k == "resolution") spec.resolution = *s;
        else spec.warn_before = *s;
      } else {
        return bad(where + ": unknown key " + k);
      }
    }
    policies.push_back(std::move(spec));
  }
  auto built = protocol::SlaPolicies::build(calendars, policies);
  if (!built) return bad(path + ": " + built.error().message);
  return built;
}

}  // namespace touchpoint::server
