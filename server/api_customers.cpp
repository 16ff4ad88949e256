// /api/v1/customers: lookup, rename, identities, merge.
#include "server/api_call.hpp"

#include "protocol/agent_api.hpp"
#include "protocol/query_string.hpp"

namespace touchpoint::server::api {
namespace {

void answer_customer(const CallPtr& c, int64_t id, int status) {
  read<CustomerView>(
      c, [id](storage::TicketReader& r) { return r.customer(id); },
      [c, status](CustomerView v) { c->respond(json(status, protocol::encode_customer(v))); });
}

}  // namespace

void find_customers(const CallPtr& c) {
  using List = std::vector<CustomerView>;
  auto q = protocol::parse_query_string(c->req.target);
  if (!q) return c->respond(error_response({Errc::bad_request, "malformed query string"}));
  if (q->count("q")) {  // by name
    const std::string& text = q->at("q");
    if (text.empty() || text.size() > 200)
      return c->respond(error_response({Errc::bad_request, "q must be 1 to 200 characters of a name"}));
    auto limit = page_limit(*q);
    if (!limit) return c->respond(error_response(limit.error()));
    using Matches = storage::TicketReader::NameMatches;
    return read_indexed<Matches>(
        c, [text, limit = *limit](storage::TicketReader& r) { return r.customers_by_name(text, limit); },
        [c](Matches found) { c->respond(json(200, protocol::encode_customers(found.customers))); });
  }
  if (!q->count("identity")) {  // a plain list, newest first
    std::optional<int64_t> before;
    if (q->count("cursor")) {
      before = to_id(q->at("cursor"));
      if (!before) return c->respond(error_response({Errc::bad_request, "cursor is not one this server gave"}));
    }
    auto limit = page_limit(*q);
    if (!limit) return c->respond(error_response(limit.error()));
    return read<List>(
        c, [before, limit = *limit](storage::TicketReader& r) { return r.customers(before, limit); },
        [c, limit = *limit](List page) {
          std::optional<std::string> next;
          if (page.size() == limit && !page.empty()) next = std::to_string(page.back().id);
          c->respond(json(200, protocol::encode_customers(page, next)));
        });
  }
  if (q->at("identity").empty() || q->at("identity").size() > 256)
    return c->respond(error_response(
        {Errc::bad_request, "identity must be an email, phone or channel id"}));
  read<List>(
      c,
      [candidates = protocol::identity_candidates(q->at("identity"))](storage::TicketReader& r) {
        return r.customers_by_identity(candidates);
      },
      [c](List found) { c->respond(json(200, protocol::encode_customers(found))); });
}

void rename_customer(const CallPtr& c) {
  auto name = protocol::parse_customer_name(c->req.body);
  if (!name) return c->respond(error_response(name.error()));
  write<Unit>(
      c,
      [id = c->ids[0], n = name.value(), actor = c->who.agent_id](storage::TicketStore& s) {
        return s.rename_customer(id, n, actor);
      },
      [c](Unit) { answer_customer(c, c->ids[0], 200); });
}

void add_identity(const CallPtr& c) {
  auto identity = protocol::parse_identity(c->req.body);
  if (!identity) return c->respond(error_response(identity.error()));
  write<int64_t>(
      c,
      [id = c->ids[0], i = identity.value(), actor = c->who.agent_id](storage::TicketStore& s) {
        return s.add_identity(id, i, actor);
      },
      [c](int64_t) { answer_customer(c, c->ids[0], 201); });
}

void remove_identity(const CallPtr& c) {
  write<Unit>(
      c,
      [customer = c->ids[0], identity = c->ids[1], actor = c->who.agent_id](
          storage::TicketStore& s) { return s.remove_identity(customer, identity, actor); },
      [c](Unit) { answer_customer(c, c->ids[0], 200); });
}

void merge_customer(const CallPtr& c) {
  auto into = protocol::parse_merge(c->req.body);
  if (!into) return c->respond(error_response(into.error()));
  write<Unit>(
      c,
      [source = c->ids[0], target = into.value(), actor = c->who.agent_id](storage::TicketStore& s) {
        return s.merge_customers(source, target, actor);
      },
      [c, target = into.value()](Unit) { answer_customer(c, target, 200); });
}

void unmerge_customer(const CallPtr& c) {
  write<Unit>(
      c,
      [source = c->ids[0], actor = c->who.agent_id](storage::TicketStore& s) {
        return s.unmerge_customer(source, actor);
      },
      [c](Unit) { answer_customer(c, c->ids[0], 200); });
}

void get_customer(const CallPtr& c) {
  read<CustomerView>(
      c, [id = c->ids[0]](storage::TicketReader& r) { return r.customer(id); },
      [c](CustomerView v) { c->respond(json(200, protocol::encode_customer(v))); });
}
}  // namespace touchpoint::server::api
