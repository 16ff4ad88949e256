#pragma once
// The server's own secret: 32 random bytes in DATA/secret.key (mode 0600), made on first
// start. It keys what must be unguessable but stable across restarts (our mail Message-IDs).
#include <string>

#include "protocol/result.hpp"

namespace touchpoint::server {

Result<std::string> load_or_create_secret(const std::string& data_dir);

}  // namespace touchpoint::server
