#pragma once
// How an HTTP answer from a provider becomes a delivery outcome, the same for every channel:
// 2xx sent; 429, 5xx and network failures retry; any other 4xx fails with the provider's words.
#include <string_view>

#include "protocol/model.hpp"

namespace touchpoint::protocol {

// status 0 means no HTTP answer; network_error then says why.
DeliveryOutcome classify_http_delivery(int status, std::string_view body,
                                       std::string_view network_error);

// Seconds to wait before attempt number `attempts + 1`: base * 2^attempts, capped.
int64_t retry_delay_seconds(int64_t attempts, int64_t base, int64_t cap);

}  // namespace touchpoint::protocol
