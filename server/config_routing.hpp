#pragma once
// Reads the config's [routing] table (the contract's "Assignment"): mode and
// max_open_per_agent. Errors name the file and the key. Included only by config.cpp.
#include <string>
#include <toml++/toml.h>

#include "protocol/result.hpp"
#include "protocol/routing.hpp"

namespace touchpoint::server {

Result<protocol::RoutingSettings> read_routing_config(const std::string& path, const toml::table& root);

}  // namespace touchpoint::server
