#pragma once
// Reads the config's [survey] table (the contract's "Satisfaction surveys") and each channel's
// survey_template into validated settings; no [survey] table: no surveys. Errors name the
// file and the key. Included only by config.cpp (toml++ is heavy).
#include <optional>
#include <string>
#include <toml++/toml.h>
#include <vector>

#include "protocol/result.hpp"
#include "protocol/survey.hpp"
#include "server/config.hpp"

namespace touchpoint::server {

Result<std::optional<protocol::SurveySettings>> read_survey_config(
    const std::string& path, const toml::table& root, const std::vector<ChannelConfig>& channels);

}  // namespace touchpoint::server
