#pragma once
// Canned replies (the contract's "Canned replies"): a name, a body with placeholders the
// server fills in, and actions applied with the reply. Pure: parsing and validating what an
// agent sends, rendering, and the JSON.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/model.hpp"
#include "protocol/result.hpp"

namespace touchpoint::protocol {

struct MacroActions {
  std::optional<std::string> status, priority;
  std::optional<std::vector<std::string>> tags;
  bool empty() const { return !status && !priority && !tags; }
};

struct Macro {
  int64_t id = 0;
  std::optional<int64_t> owner;  // none: shared (an admin's)
  std::string name, body;
  MacroActions actions;
};

// POST (every field required but actions) or PATCH (any of them): {"name","body","actions"}.
// Unknown placeholders and invalid action values are 422 naming them.
struct MacroInput {
  std::optional<std::string> name, body;
  std::optional<MacroActions> actions;
};
Result<MacroInput> parse_macro(std::string_view json, bool all_required);

// The placeholders a body may use.
inline constexpr const char* kMacroPlaceholders[] = {"customer.name", "customer.first_name",
                                                     "agent.name", "ticket.id", "ticket.subject"};
// Fills {{placeholder}} with values (missing: empty).
std::string render_macro(std::string_view body, const std::map<std::string, std::string>& values);

std::string encode_macro_actions(const MacroActions& a);  // stored as this JSON
MacroActions decode_macro_actions(std::string_view json);
TicketPatch macro_patch(const MacroActions& a);
std::string encode_macro(const Macro& m);
std::string encode_macros(const std::vector<Macro>& macros);
std::string encode_rendered_macro(std::string_view body);  // {"body"}

}  // namespace touchpoint::protocol
