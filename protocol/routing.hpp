#pragma once
// Automatic assignment (the contract's "Assignment, presence, canned replies"): which agent a
// ticket goes to. Pure: the store supplies who is available and how loaded they are.
#include <cstdint>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "protocol/result.hpp"

namespace touchpoint::protocol {

enum class RoutingMode { manual, round_robin, least_busy };
std::optional<RoutingMode> routing_mode(std::string_view name);  // manual | round_robin | least_busy

struct RoutingSettings {
  RoutingMode mode = RoutingMode::manual;
  int64_t max_open_per_agent = 25;
};

// An agent who may take the ticket now (online, not away, active, in its group), with the
// open tickets they hold.
struct RoutingCandidate {
  int64_t agent_id = 0;
  int64_t open = 0;
};

// round_robin: the next agent after last (by id, wrapping) who is under the limit.
// least_busy: the fewest open tickets under the limit; a tie goes to the next after last, so
// equals take turns. nullopt: nobody can take it (manual, nobody available, all full).
std::optional<int64_t> choose_agent(const RoutingSettings& settings,
                                    std::vector<RoutingCandidate> candidates,
                                    std::optional<int64_t> last_assigned);

// PUT /api/v1/agents/me/presence {"status":"online"|"away"}: true for away.
Result<bool> parse_presence(std::string_view body);
// PUT /api/v1/groups/{id}/members {"agents":[ids]}: distinct positive ids, at most 1,000.
Result<std::vector<int64_t>> parse_group_members(std::string_view body);
// POST /api/v1/tickets/{id}/viewing {"typing":false} (or no body): whether they type.
Result<bool> parse_viewing(std::string_view body);
// {"agent_id","status"}: the live agent.presence event and the PUT's answer.
std::string encode_presence(int64_t agent_id, std::string_view status);

}  // namespace touchpoint::protocol
