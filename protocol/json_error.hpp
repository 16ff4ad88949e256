#pragma once
// The one error body every JSON endpoint answers: {"error":{"code":"...","message":"..."}}.
#include <string>

#include "protocol/result.hpp"

namespace touchpoint::protocol {

std::string encode_error(const Error& e);
std::string encode_error(std::string_view code, std::string_view message);

}  // namespace touchpoint::protocol
