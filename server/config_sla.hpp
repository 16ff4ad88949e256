#pragma once
// Reads the config's [[calendar]] and [[sla]] tables (the contract's "SLA" section) into
// validated policies. Errors name the file and the key; nothing half-configured runs.
// Included only by config.cpp (toml++ is heavy).
#include <memory>
#include <string>
#include <toml++/toml.h>

#include "protocol/result.hpp"
#include "protocol/sla_policy.hpp"


namespace touchpoint::server {

Result<std::shared_ptr<const protocol::SlaPolicies>> read_sla_config(const std::string& path,
                                                                     const toml::table& root);

}  // namespace touchpoint::server
