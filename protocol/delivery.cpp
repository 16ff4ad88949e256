#include "protocol/delivery.hpp"

#include <algorithm>
#include <string>

namespace touchpoint::protocol {

DeliveryOutcome classify_http_delivery(int status, std::string_view body,
                                       std::string_view network_error) {
  if (status == 0) return {DeliveryKind::retry, "", std::string(network_error)};
  std::string said = "HTTP " + std::to_string(status);
  if (!body.empty()) said += ": " + std::string(body.substr(0, 300));
  if (status >= 200 && status < 300) return {DeliveryKind::sent, "", ""};
  if (status == 429 || status >= 500) return {DeliveryKind::retry, "", said};
  return {DeliveryKind::failed, "", said};
}

int64_t retry_delay_seconds(int64_t attempts, int64_t base, int64_t cap) {
  int64_t d = base;
  for (int64_t i = 0; i < attempts && d < cap; ++i) d *= 2;
  return std::min(d, cap);
}

}  // namespace touchpoint::protocol
