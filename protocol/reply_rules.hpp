#pragma once
// The rules a provider sets on an agent's public reply, applied before the reply is queued so
// the agent hears at once rather than from a failed delivery later:
// - the 24-hour customer-service window of WhatsApp, Messenger, Instagram and WhatsApp via
//   Twilio. Outside it WhatsApp takes only an approved template, Messenger and Instagram only a
//   message tagged HUMAN_AGENT (7 days) or, on Messenger, a non-promotional update tag;
// - the longest text the provider takes (refused, never cut).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/model.hpp"
#include "protocol/result.hpp"

namespace touchpoint::protocol {

// A message template the business had approved, as the admin configured it on the channel.
// text: the body as approved, with {{1}}, {{2}}... where the agent's parameters go; it is what
// the ticket shows. content_sid: Twilio's Content API id (HX...), required on Twilio.
struct ReplyTemplate {
  std::string name, language, text, content_sid;
};

// Templates per channel account, keyed by (type, name).
using TemplateCatalog = std::map<std::pair<std::string, std::string>, std::vector<ReplyTemplate>>;

// What is stored and sent for a reply: the text the ticket shows, and the JSON the channel
// adapter reads ({"template":{...}} or {"tag":"..."}; "" for a plain reply).
struct PreparedReply {
  std::string body;
  std::string send_options;
};

// The number of parameters a template text takes: its highest {{n}}.
int template_parameter_count(std::string_view text);

// Checks a reply against its channel's rules and renders a template. templates: the channel's
// own. last_inbound_at: the customer's latest message on the ticket (unix seconds), if any.
// thread: the conversation address without the "thread:" prefix. Refusals are 422 with words
// an agent can act on; a malformed request (template on a note, unknown tag) is 400.
Result<PreparedReply> prepare_reply(std::string_view channel_type, std::string_view thread,
                                    const AgentMessage& m,
                                    const std::vector<ReplyTemplate>& templates,
                                    std::optional<int64_t> last_inbound_at, int64_t now);

// The window and length rules alone, for a plain text reply.
Status check_reply(std::string_view channel_type, std::string_view thread, std::string_view body,
                   std::optional<int64_t> last_inbound_at, int64_t now);

// Characters as providers count them: Unicode code points.
std::size_t count_characters(std::string_view utf8);

}  // namespace touchpoint::protocol
