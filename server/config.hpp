#pragma once
// The server's configuration: defaults, overridden by the TOML file, overridden by flags.
//
//   [server]
//   public_url = "http://127.0.0.1:8080"
//   data = "./data"            # data directory
//   http = "127.0.0.1:8080"    # HOST:PORT
//   smtp = "127.0.0.1:2525"
//   lmtp = "127.0.0.1:2424"    # off unless given
//   io_threads = 1
//   outbox_retry_base_seconds = 5
//   outbox_poll_ms = 1000
//
//   [[channel]]               # one table per channel account; see docs/config.md
//   type = "api"
//   name = "crm"
//   token = "env:CRM_TOKEN"   # any string value may be "env:VAR": read from the environment
//
//   [[channel.template]]      # WhatsApp (Cloud or Twilio): an approved message template
//   name = "order_update"
//   language = "en_US"
//   text = "Hello {{1}}, there is news on your order {{2}}."
//   content_sid = "HX..."     # Twilio only
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocol/reply_rules.hpp"
#include "protocol/sla_policy.hpp"
#include "protocol/routing.hpp"
#include "protocol/survey.hpp"
#include "protocol/result.hpp"

namespace touchpoint::server {

struct ChannelConfig {
  std::string type;  // api | email | whatsapp | messenger | instagram | telegram | twilio | webchat
  std::string name;
  std::map<std::string, std::string> values;                // string keys, env: resolved
  std::map<std::string, std::vector<std::string>> lists;    // array-of-string keys
  std::vector<protocol::ReplyTemplate> templates;           // [[channel.template]]
  std::string get(const std::string& key) const;            // "" when absent
  // The provider's API root: api_base, or the production host of the type, no trailing '/'.
  std::string api_base() const;
};

// Which email channel each support address belongs to (lowercased address → channel name).
using EmailRoutes = std::map<std::string, std::string>;

std::shared_ptr<const protocol::SlaPolicies> no_sla_policies();

struct Config {
  std::string public_url = "http://127.0.0.1:8080";
  std::string data_dir = "./data";
  std::string http = "127.0.0.1:8080";
  std::string smtp = "127.0.0.1:2525";
  std::optional<std::string> lmtp;
  int io_threads = 1;
  int64_t outbox_retry_base_seconds = 5;  // first retry after this, doubling up to an hour
  int64_t outbox_poll_ms = 1000;          // how often due retries are looked for
  int64_t min_free_disk_mb = 64;          // below this free on the data disk, writes answer 503
  std::vector<ChannelConfig> channels;
  // [[calendar]] and [[sla]]: never null (no policies: no clocks).
  std::shared_ptr<const protocol::SlaPolicies> sla = no_sla_policies();
  // [survey]: none, no surveys. public_url is filled in when the server starts.
  std::optional<protocol::SurveySettings> survey;
  protocol::RoutingSettings routing;  // [routing]: manual unless given

  const ChannelConfig* channel(std::string_view type, std::string_view name) const;
  // Every channel's templates, as TicketStore::add_agent_message takes them.
  protocol::TemplateCatalog template_catalog() const;
  // The email channels' support addresses (address, or each of addresses).
  EmailRoutes email_routes() const;
};

// Reads and validates a TOML file on top of the defaults. Errors name the file and the key.
Result<Config> load_config(const std::string& path);
// Validates what the file cannot: unique channel names, known types, required keys.
Status validate(const Config& config);

struct HostPort {
  std::string host;
  unsigned short port = 0;
};
Result<HostPort> parse_host_port(const std::string& s);

}  // namespace touchpoint::server
