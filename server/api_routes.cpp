#include "server/api_routes.hpp"

#include <charconv>
#include <map>
#include <memory>
#include <set>

#include "protocol/agent_api.hpp"
#include "protocol/json_error.hpp"
#include "protocol/live_events.hpp"
#include "protocol/query_string.hpp"
#include "protocol/search_query.hpp"
#include "server/http_routes.hpp"
#include "server/passwords.hpp"

namespace touchpoint::server {
namespace {

struct ListQuery {
  storage::TicketFilter filter;
  std::optional<std::string> fts;              // q, as a safe FTS5 query
  std::optional<int64_t> search_before;        // search cursor: "s<message id>"
};

// One authenticated call, shared by the hops of its handler.
struct Call {
  App& app;
  HttpRequest req;
  Respond respond;
  Principal who;
  std::vector<int64_t> ids;  // the {id} segments of the path, in order
};
using CallPtr = std::shared_ptr<Call>;
using Handler = void (*)(const CallPtr&);

HttpResponse json(int status, std::string body) {
  return HttpResponse{status, "application/json", std::move(body), {}};
}
HttpResponse busy() {
  auto r = error_response({Errc::unavailable, "the server is busy; retry shortly"});
  r.headers.emplace_back("Retry-After", "1");
  return r;
}

// Runs a read on the reader pool and hands its value to then, or answers the error.
template <class T, class Op, class Then>
void read(const CallPtr& c, Op op, Then then) {
  bool queued = c->app.readers.submit<T>(std::move(op), [c, then](Result<T> r) {
    if (!r) return c->respond(error_response(r.error()));
    then(std::move(r).value());
  });
  if (!queued) c->respond(busy());
}

// Runs a write on the store writer; then runs after its COMMIT.
template <class T, class Op, class Then>
void write(const CallPtr& c, Op op, Then then) {
  bool queued = c->app.writer.submit<T>(std::move(op), [c, then](Result<T> r) {
    if (!r) return c->respond(error_response(r.error()));
    then(std::move(r).value());
  });
  if (!queued) c->respond(busy());
}

void answer_ticket(const CallPtr& c, int64_t id, int status) {
  read<TicketView>(
      c, [id](storage::TicketReader& r) { return r.ticket(id); },
      [c, status](TicketView v) { c->respond(json(status, protocol::encode_ticket_view(v))); });
}

std::optional<int64_t> to_id(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

// The page size a list asks for with ?limit= (25 when absent).
Result<std::size_t> page_limit(const std::map<std::string, std::string>& query) {
  auto it = query.find("limit");
  if (it == query.end()) return std::size_t{25};
  auto n = to_id(it->second);
  if (!n || *n > 100) return Error{Errc::bad_request, "limit must be 1 to 100"};
  return static_cast<std::size_t>(*n);
}

// --- handlers -------------------------------------------------------------------------------

void logout(const CallPtr& c) {
  auto hash = token_hash(*bearer_token(c->req));
  write<Unit>(
      c, [hash](storage::TicketStore& s) { return s.revoke_token(hash); },
      [c](Unit) {
        auto r = json(200, R"({"status":"logged_out"})");
        r.headers.emplace_back("Set-Cookie", std::string(kSessionCookie) +
                                                 "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
        c->respond(std::move(r));
      });
}

void me(const CallPtr& c) { c->respond(json(200, protocol::encode_agent(c->who))); }

void live_without_upgrade(const CallPtr& c) {
  c->respond(error_response({Errc::bad_request, "connect with a WebSocket (Upgrade: websocket)"}));
}

Result<ListQuery> ticket_query(const CallPtr& c) {
  auto q = protocol::parse_query_string(c->req.target);
  if (!q) return Error{Errc::bad_request, "malformed query string"};
  ListQuery lq;
  storage::TicketFilter& f = lq.filter;
  std::optional<std::string> cursor;
  for (const auto& [k, v] : *q) {
    if (k == "status") {
      std::string_view rest = v;
      while (!rest.empty()) {
        auto comma = rest.find(',');
        std::string s(rest.substr(0, comma));
        if (!is_ticket_status(s)) return Error{Errc::bad_request, "unknown status " + s};
        f.statuses.push_back(s);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
    } else if (k == "priority") {
      if (!is_priority(v)) return Error{Errc::bad_request, "unknown priority " + v};
      f.priority = v;
    } else if (k == "channel") {
      f.channel_type = v;
    } else if (k == "assignee") {
      if (v == "me") f.assignee = c->who.agent_id;
      else if (v == "none") f.unassigned = true;
      else if (auto id = to_id(v)) f.assignee = id;
      else return Error{Errc::bad_request, "assignee must be me, none or an agent id"};
    } else if (k == "group" || k == "customer") {
      auto id = to_id(v);
      if (!id) return Error{Errc::bad_request, k + " must be an id"};
      (k == "group" ? f.group : f.customer_id) = id;
    } else if (k == "limit") {
      auto n = page_limit(*q);
      if (!n) return n.error();
      f.limit = *n;
    } else if (k == "cursor") {
      cursor = v;
    } else if (k == "sort") {
      if (v != "-updated_at")
        return Error{Errc::bad_request, "sort supports -updated_at (most recently active first)"};
    } else if (k == "q") {
      if (v.size() > 500) return Error{Errc::bad_request, "q is too long"};
      lq.fts = protocol::fts_query(v);
      if (!lq.fts) return Error{Errc::bad_request, "q has no words to search for"};
    } else {
      return Error{Errc::bad_request, "unknown filter " + k};
    }
  }
  if (cursor) {
    // List cursors are activity values; search cursors are "s" + a message id.
    bool search_cursor = !cursor->empty() && (*cursor)[0] == 's';
    auto n = to_id(search_cursor ? cursor->substr(1) : *cursor);
    if (!n || search_cursor != lq.fts.has_value())
      return Error{Errc::bad_request, "cursor is not one this server gave for this query"};
    if (search_cursor)
      lq.search_before = n;
    else
      f.after = storage::QueueCursor{*n};
  }
  return lq;
}

void list_tickets(const CallPtr& c) {
  auto lq = ticket_query(c);
  if (!lq) return c->respond(error_response(lq.error()));
  if (lq->fts) {
    using Page = storage::TicketReader::SearchPage;
    return read<Page>(
        c,
        [q = lq.value()](storage::TicketReader& r) {
          return r.search(q.filter, *q.fts, q.search_before);
        },
        [c](Page page) {
          std::optional<std::string> next;
          if (page.next_before) next = "s" + std::to_string(*page.next_before);
          c->respond(json(200, protocol::encode_ticket_list(page.tickets, next)));
        });
  }
  const storage::TicketFilter& f = lq->filter;
  read<std::vector<TicketRow>>(
      c, [f](storage::TicketReader& r) { return r.list(f); },
      [c, limit = f.limit](std::vector<TicketRow> rows) {
        std::optional<std::string> next;
        if (rows.size() == limit && !rows.empty())
          next = std::to_string(rows.back().activity);
        c->respond(json(200, protocol::encode_ticket_list(rows, next)));
      });
}

void get_ticket(const CallPtr& c) { answer_ticket(c, c->ids[0], 200); }

void patch_ticket(const CallPtr& c) {
  auto patch = protocol::parse_ticket_patch(c->req.body);
  if (!patch) return c->respond(error_response(patch.error()));
  int64_t id = c->ids[0];
  bool may_reassign = role_allows(c->who.role, "supervisor");
  write<Unit>(
      c,
      [id, p = patch.value(), actor = c->who.agent_id, may_reassign](storage::TicketStore& s) {
        return s.update_ticket(id, p, actor, may_reassign);
      },
      [c, id](Unit) {
        c->app.hub.publish("ticket.updated", protocol::live_ticket(id));
        answer_ticket(c, id, 200);
      });
}

void post_message(const CallPtr& c) {
  auto m = protocol::parse_agent_message(c->req.body);
  if (!m) return c->respond(error_response(m.error()));
  write<MessageCreated>(
      c,
      [id = c->ids[0], msg = m.value(), agent = c->who.agent_id,
       &templates = c->app.templates](storage::TicketStore& s) {
        return s.add_agent_message(id, msg, agent, templates);
      },
      [c, internal = m->internal](MessageCreated created) {
        if (created.queued_for_delivery) c->app.nudge_outbox();
        c->app.hub.publish("message.created",
                           protocol::live_message(created.ticket_id, created.message_id, "out",
                                                  "agent", internal));
        c->app.hub.publish("ticket.updated", protocol::live_ticket(created.ticket_id));
        c->respond(json(201, protocol::encode_message_created(created)));
      });
}

void merge_ticket(const CallPtr& c) {
  auto into = protocol::parse_merge(c->req.body);
  if (!into) return c->respond(error_response(into.error()));
  int64_t source = c->ids[0], target = into.value();
  write<Unit>(
      c,
      [source, target, actor = c->who.agent_id](storage::TicketStore& s) {
        return s.merge_tickets(source, target, actor);
      },
      [c, source, target](Unit) {
        c->app.hub.publish("ticket.updated", protocol::live_ticket(source));
        c->app.hub.publish("ticket.updated", protocol::live_ticket(target));
        answer_ticket(c, target, 200);
      });
}

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
    return read<List>(
        c, [text, limit = *limit](storage::TicketReader& r) { return r.customers_by_name(text, limit); },
        [c](List found) { c->respond(json(200, protocol::encode_customers(found))); });
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

void answer_customer(const CallPtr& c, int64_t id, int status) {
  read<CustomerView>(
      c, [id](storage::TicketReader& r) { return r.customer(id); },
      [c, status](CustomerView v) { c->respond(json(status, protocol::encode_customer(v))); });
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

// --- supervisors and admins -------------------------------------------------------------

void queue_stats(const CallPtr& c) {
  using Counts = std::map<std::string, int64_t>;
  read<Counts>(
      c, [](storage::TicketReader& r) { return r.status_counts(); },
      [c](Counts counts) {
        c->respond(json(200, protocol::encode_queue_stats(counts, c->app.writer.queue_depth(),
                                                          c->app.hub.size())));
      });
}

void list_groups(const CallPtr& c) {
  read<std::vector<GroupRow>>(
      c, [](storage::TicketReader& r) { return r.groups(); },
      [c](std::vector<GroupRow> g) { c->respond(json(200, protocol::encode_groups(g))); });
}

void create_group(const CallPtr& c) {
  auto name = protocol::parse_group_name(c->req.body);
  if (!name) return c->respond(error_response(name.error()));
  write<int64_t>(
      c, [n = name.value()](storage::TicketStore& s) { return s.add_group(n); },
      [c, n = name.value()](int64_t id) {
        c->respond(json(201, protocol::encode_group({id, n})));
      });
}

void rename_group(const CallPtr& c) {
  auto name = protocol::parse_group_name(c->req.body);
  if (!name) return c->respond(error_response(name.error()));
  write<Unit>(
      c, [id = c->ids[0], n = name.value()](storage::TicketStore& s) { return s.rename_group(id, n); },
      [c, n = name.value()](Unit) {
        c->respond(json(200, protocol::encode_group({c->ids[0], n})));
      });
}

void list_agents_of(const CallPtr& c) {
  read<std::vector<AgentRow>>(
      c, [](storage::TicketReader& r) { return r.agents(); },
      [c](std::vector<AgentRow> a) { c->respond(json(200, protocol::encode_agents(a))); });
}

void delete_group(const CallPtr& c) {
  write<Unit>(
      c, [id = c->ids[0], actor = c->who.agent_id](storage::TicketStore& s) { return s.delete_group(id, actor); },
      [c](Unit) { c->respond(json(200, R"({"status":"deleted"})")); });
}

void update_agent(const CallPtr& c) {
  auto u = protocol::parse_agent_update(c->req.body);
  if (!u) return c->respond(error_response(u.error()));
  int64_t id = c->ids[0];
  write<Unit>(
      c, [id, u = u.value()](storage::TicketStore& s) { return s.update_agent(id, u.role, u.active); },
      [c](Unit) { list_agents_of(c); });
}

// Customer files are never rendered by our origin: only well-known raster images display
// inline; everything else (HTML, SVG, PDF, mail) downloads. A sandbox CSP and nosniff hold
// either way.
HttpResponse download(StoredFile f) {
  static const std::set<std::string> kInline = {"image/png", "image/jpeg", "image/gif", "image/webp"};
  bool show = kInline.count(f.content_type) > 0;
  std::string ascii;
  for (char ch : f.filename)
    ascii += (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\') ? ch : '_';
  HttpResponse r{200, show ? f.content_type : "application/octet-stream", std::move(f.bytes), {}};
  r.headers = {{"Content-Disposition", std::string(show ? "inline" : "attachment") + "; filename=\"" +
                                           ascii + "\"; filename*=UTF-8''" + protocol::form_escape(f.filename)},
               {"X-Content-Type-Options", "nosniff"},
               {"Content-Security-Policy", "sandbox; default-src 'none'"},
               {"Cache-Control", "private, max-age=3600"},
               {"X-Touchpoint-Content-Type", f.content_type}};
  return r;
}

void get_attachment(const CallPtr& c) {
  read<StoredFile>(
      c, [id = c->ids[0]](storage::TicketReader& r) { return r.attachment(id); },
      [c](StoredFile f) { c->respond(download(std::move(f))); });
}

void get_raw_message(const CallPtr& c) {
  read<StoredFile>(
      c, [id = c->ids[0]](storage::TicketReader& r) { return r.raw_message(id); },
      [c](StoredFile f) { c->respond(download(std::move(f))); });
}

void list_templates(const CallPtr& c) {
  c->respond(json(200, protocol::encode_templates(c->app.templates)));
}

void list_channels(const CallPtr& c) {
  // Channels come from the config file; secrets never leave it.
  std::vector<std::pair<std::string, std::string>> channels;
  for (const auto& ch : c->app.config.channels) channels.emplace_back(ch.type, ch.name);
  c->respond(json(200, protocol::encode_channels(channels)));
}

void list_agents(const CallPtr& c) { list_agents_of(c); }

void create_agent(const CallPtr& c) {
  auto a = protocol::parse_new_agent(c->req.body);
  if (!a) return c->respond(error_response(a.error()));
  // argon2id is slow on purpose: hash on the reader pool, never on an I/O thread.
  read<std::string>(
      c, [pw = a->password](storage::TicketReader&) -> Result<std::string> { return hash_password(pw); },
      [c, a = a.value()](std::string hash) {
        write<int64_t>(
            c,
            [a, hash](storage::TicketStore& s) {
              return s.add_agent({a.email, a.name, a.role, hash});
            },
            [c, a](int64_t id) {
              c->respond(json(201, protocol::encode_agent({id, a.email, a.name, a.role})));
            });
      });
}

void list_tokens(const CallPtr& c) {
  read<std::vector<TokenRow>>(
      c, [](storage::TicketReader& r) { return r.tokens(); },
      [c](std::vector<TokenRow> t) { c->respond(json(200, protocol::encode_tokens(t))); });
}

void create_token(const CallPtr& c) {
  auto t = protocol::parse_new_token(c->req.body);
  if (!t) return c->respond(error_response(t.error()));
  std::string token = random_secret(32);
  write<int64_t>(
      c,
      [t = t.value(), hash = token_hash(token)](storage::TicketStore& s) {
        return s.create_token({hash, t.agent_id, "api", t.role, t.name, t.expires_at});
      },
      [c, token](int64_t id) { c->respond(json(201, protocol::encode_token_created(id, token))); });
}

void revoke_token(const CallPtr& c) {
  write<Unit>(
      c, [id = c->ids[0]](storage::TicketStore& s) { return s.revoke_token_id(id); },
      [c](Unit) { c->respond(json(200, R"({"status":"revoked"})")); });
}

struct Route {
  ApiRouteInfo info;
  Handler handler;
};

const std::vector<Route>& routes() {
  static const std::vector<Route> r = {
      {{"POST", "/api/v1/auth/login", ""}, nullptr},  // handled before authentication
      {{"POST", "/api/v1/auth/logout", "agent"}, logout},
      {{"GET", "/api/v1/auth/me", "agent"}, me},
      {{"GET", "/api/v1/tickets", "agent"}, list_tickets},
      {{"GET", "/api/v1/tickets/{id}", "agent"}, get_ticket},
      {{"PATCH", "/api/v1/tickets/{id}", "agent"}, patch_ticket},
      {{"POST", "/api/v1/tickets/{id}/messages", "agent"}, post_message},
      {{"POST", "/api/v1/tickets/{id}/merge", "agent"}, merge_ticket},
      {{"GET", "/api/v1/customers", "agent"}, find_customers},
      {{"GET", "/api/v1/customers/{id}", "agent"}, get_customer},
      {{"PATCH", "/api/v1/customers/{id}", "agent"}, rename_customer},
      {{"POST", "/api/v1/customers/{id}/identities", "agent"}, add_identity},
      {{"DELETE", "/api/v1/customers/{id}/identities/{id}", "agent"}, remove_identity},
      {{"POST", "/api/v1/customers/{id}/merge", "agent"}, merge_customer},
      {{"POST", "/api/v1/customers/{id}/unmerge", "agent"}, unmerge_customer},
      {{"GET", "/api/v1/live", "agent"}, live_without_upgrade},
      {{"GET", "/api/v1/stats/queues", "supervisor"}, queue_stats},
      {{"GET", "/api/v1/groups", "agent"}, list_groups},
      {{"POST", "/api/v1/groups", "admin"}, create_group},
      {{"PATCH", "/api/v1/groups/{id}", "admin"}, rename_group},
      {{"DELETE", "/api/v1/groups/{id}", "admin"}, delete_group},
      {{"PATCH", "/api/v1/agents/{id}", "admin"}, update_agent},
      {{"GET", "/api/v1/channels", "admin"}, list_channels},
      {{"GET", "/api/v1/templates", "agent"}, list_templates},
      {{"GET", "/api/v1/attachments/{id}", "agent"}, get_attachment},
      {{"GET", "/api/v1/messages/{id}/raw", "agent"}, get_raw_message},
      {{"GET", "/api/v1/agents", "supervisor"}, list_agents},
      {{"POST", "/api/v1/agents", "admin"}, create_agent},
      {{"GET", "/api/v1/tokens", "admin"}, list_tokens},
      {{"POST", "/api/v1/tokens", "admin"}, create_token},
      {{"DELETE", "/api/v1/tokens/{id}", "admin"}, revoke_token},
  };
  return r;
}

// Matches path against pattern, collecting {id} segments. Segment by segment, exact.
bool match(std::string_view pattern, std::string_view path, std::vector<int64_t>& ids) {
  ids.clear();
  while (!pattern.empty() || !path.empty()) {
    auto ps = pattern.find('/', 1), qs = path.find('/', 1);
    auto pseg = pattern.substr(0, ps), qseg = path.substr(0, qs);
    if (pseg == "/{id}") {
      auto id = qseg.size() > 1 ? to_id(qseg.substr(1)) : std::nullopt;
      if (!id) return false;
      ids.push_back(*id);
    } else if (pseg != qseg) {
      return false;
    }
    pattern = ps == std::string_view::npos ? std::string_view() : pattern.substr(ps);
    path = qs == std::string_view::npos ? std::string_view() : path.substr(qs);
  }
  return true;
}

void login(App& app, const HttpRequest& req, const Respond& respond) {
  auto creds = protocol::parse_login(req.body);
  if (!creds) return respond(error_response(creds.error()));
  if (int64_t wait = app.login_limiter.retry_after(creds->email, req.remote); wait > 0) {
    auto r = error_response({Errc::too_many_requests, "too many failed logins; try again later"});
    r.headers.emplace_back("Retry-After", std::to_string(wait));
    return respond(std::move(r));
  }
  // argon2id takes tens of milliseconds: it runs on the reader pool, never an I/O thread.
  bool queued = app.readers.submit<std::optional<Principal>>(
      [creds = creds.value()](storage::TicketReader& r) -> Result<std::optional<Principal>> {
        auto agent = r.agent_by_email(creds.email);
        if (!agent) return agent.error();
        if (!agent.value() || !agent.value()->active) {
          // Same work as a real check, so timing does not reveal which emails exist.
          verify_password(hash_password("timing"), creds.password);
          return std::optional<Principal>{};
        }
        const AgentRow& a = *agent.value();
        if (!verify_password(a.password_hash, creds.password)) return std::optional<Principal>{};
        return std::optional<Principal>{Principal{a.id, a.email, a.name, a.role}};
      },
      [&app, respond, email = creds->email, remote = req.remote](
          Result<std::optional<Principal>> who) {
        if (!who) return respond(error_response(who.error()));
        if (!who.value()) {
          app.login_limiter.failed(email, remote);
          return respond(error_response({Errc::unauthorized, "wrong email or password"}));
        }
        app.login_limiter.succeeded(email);
        Principal p = *who.value();
        std::string token = random_secret(32);
        int64_t expires = app.now() + kSessionSeconds;
        bool ok = app.writer.submit<int64_t>(
            [p, hash = token_hash(token), expires](storage::TicketStore& s) {
              return s.create_token({hash, p.agent_id, "session", p.role, "console", expires});
            },
            [respond, p, token, expires](Result<int64_t> r) {
              if (!r) return respond(error_response(r.error()));
              auto res = json(200, protocol::encode_login(token, expires, p));
              res.headers.emplace_back(
                  "Set-Cookie", std::string(kSessionCookie) + "=" + token +
                                    "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                                    std::to_string(kSessionSeconds));
              respond(std::move(res));
            });
        if (!ok) respond(busy());
      });
  if (!queued) respond(busy());
}

}  // namespace

const std::vector<ApiRouteInfo>& api_routes() {
  static const std::vector<ApiRouteInfo> infos = [] {
    std::vector<ApiRouteInfo> v;
    for (const auto& r : routes()) v.push_back(r.info);
    return v;
  }();
  return infos;
}

void handle_api(App& app, const HttpRequest& req, const Respond& respond,
                std::string_view& route_out) {
  std::string_view path = req.target;
  path = path.substr(0, path.find('?'));
  const Route* found = nullptr;
  bool path_known = false;
  std::vector<int64_t> ids;
  for (const auto& r : routes()) {
    if (!match(r.info.pattern, path, ids)) continue;
    path_known = true;
    if (req.method == r.info.method) {
      found = &r;
      break;
    }
  }
  if (!found) {
    route_out = "/api/v1/other";
    return respond(error_response(path_known
                                      ? Error{Errc::method_not_allowed, "method not allowed here"}
                                      : Error{Errc::not_found, "no such route"}));
  }
  route_out = found->info.pattern;
  if (!found->handler) return login(app, req, respond);

  auto token = bearer_token(req);
  if (!token) return respond(error_response({Errc::unauthorized, "sign in first"}));
  auto call = std::make_shared<Call>(Call{app, req, respond, {}, std::move(ids)});
  bool queued = app.readers.submit<std::optional<Principal>>(
      [hash = token_hash(*token), now = app.now()](storage::TicketReader& r) {
        return r.authenticate(hash, now);
      },
      [call, found](Result<std::optional<Principal>> who) {
        if (!who) return call->respond(error_response(who.error()));
        if (!who.value())
          return call->respond(error_response({Errc::unauthorized, "the token is invalid, "
                                                                   "expired or revoked"}));
        call->who = *who.value();
        if (!role_allows(call->who.role, found->info.role))
          return call->respond(error_response({Errc::forbidden, std::string("this needs the ") +
                                                                    found->info.role + " role"}));
        found->handler(call);
      });
  if (!queued) respond(busy());
}

}  // namespace touchpoint::server
