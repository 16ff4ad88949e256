// GET /api/v1/customers/{id}/experience: the customer's experience record.
#include "protocol/agent_api.hpp"
#include "protocol/experience.hpp"
#include "protocol/query_string.hpp"
#include "server/api_call.hpp"

namespace touchpoint::server::api {

void customer_experience(const CallPtr& c) {
  auto q = protocol::parse_query_string(c->req.target);
  if (!q) return c->respond(error_response({Errc::bad_request, "malformed query string"}));
  storage::JourneyQuery jq;
  for (const auto& [k, v] : *q) {
    if (k == "limit") {
      auto n = page_limit(*q);
      if (!n) return c->respond(error_response(n.error()));
      jq.limit = *n;
    } else if (k == "before") {
      char* end = nullptr;
      long long id = std::strtoll(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || id <= 0)
        return c->respond(error_response({Errc::bad_request, "before must be a journey id (next_before)"}));
      jq.before = id;
    } else {
      return c->respond(error_response({Errc::bad_request, "unknown parameter " + k}));
    }
  }
  read<storage::Experience>(
      c, [id = c->ids[0], jq](storage::TicketReader& r) { return r.experience(id, jq); },
      [c](storage::Experience e) {
        e.record.customer_json = protocol::encode_customer(e.customer);
        c->respond(json(200, protocol::encode_experience(e.record)));
      });
}

}  // namespace touchpoint::server::api
