#include "server/config_routing.hpp"

namespace touchpoint::server {

Result<protocol::RoutingSettings> read_routing_config(const std::string& path, const toml::table& root) {
  protocol::RoutingSettings s;
  auto bad = [&](const std::string& m) { return Error{Errc::bad_request, path + ": " + m}; };
  auto* node = root.get("routing");
  if (!node) return s;
  auto* table = node->as_table();
  if (!table) return bad("routing must be a table ([routing])");
  for (auto&& [key, value] : *table) {
    std::string k(key.str());
    if (k == "mode") {
      auto text = value.value<std::string>();
      auto mode = text ? protocol::routing_mode(*text) : std::nullopt;
      if (!mode) return bad("routing.mode must be manual, round_robin or least_busy");
      s.mode = *mode;
    } else if (k == "max_open_per_agent") {
      auto n = value.value<int64_t>();
      if (!value.is_integer() || !n || *n < 1 || *n > 100000)
        return bad("routing.max_open_per_agent must be a whole number from 1 to 100000");
      s.max_open_per_agent = *n;
    } else {
      return bad("unknown key routing." + k);
    }
  }
  return s;
}

}  // namespace touchpoint::server
