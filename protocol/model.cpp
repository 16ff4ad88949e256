#include "protocol/model.hpp"

#include <algorithm>
#include <iterator>

namespace touchpoint {
namespace {
template <std::size_t N>
bool one_of(const char* const (&set)[N], std::string_view s) {
  return std::any_of(std::begin(set), std::end(set), [&](const char* x) { return s == x; });
}
}  // namespace

bool is_ticket_status(std::string_view s) { return one_of(kTicketStatuses, s); }
bool is_priority(std::string_view s) { return one_of(kPriorities, s); }
bool is_role(std::string_view s) { return one_of(kRoles, s); }

}  // namespace touchpoint
