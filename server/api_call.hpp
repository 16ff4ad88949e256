#pragma once
// What every /api/v1 handler shares: the authenticated call, reads on the reader pool, writes
// through the store writer, and small parsing helpers. Handlers are grouped by domain in
// api_tickets.cpp, api_customers.cpp, api_admin.cpp and api_session.cpp; api_routes.cpp owns
// the route table, authentication and roles.
#include <charconv>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/app.hpp"
#include "server/http_routes.hpp"

namespace touchpoint::server::api {

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

inline HttpResponse json(int status, std::string body) {
  return HttpResponse{status, "application/json", std::move(body), {}};
}
inline HttpResponse busy() {
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

// Runs a full-text read (its value has text_index_behind) and hands its value to then. Text
// enters the indexes in batches, so a read can run ahead of them: when it did, the writer
// indexes what is waiting and the read runs again. What was acknowledged before the read began
// is always found.
template <class T, class Op, class Then>
void read_indexed(const CallPtr& c, Op op, Then then, bool caught_up = false) {
  read<T>(c, op, [c, op, then, caught_up](T value) {
    if (!value.text_index_behind || caught_up) return then(std::move(value));
    constexpr int64_t kMostAtOnce = 100000;  // bounds the transaction; the batches keep up
    write<int64_t>(
        c, [](storage::TicketStore& s) { return s.index_text(kMostAtOnce); },
        [c, op, then](int64_t) { read_indexed<T>(c, op, then, true); });
  });
}

inline std::optional<int64_t> to_id(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

// The page size a list asks for with ?limit= (25 when absent).
inline Result<std::size_t> page_limit(const std::map<std::string, std::string>& query) {
  auto it = query.find("limit");
  if (it == query.end()) return std::size_t{25};
  auto n = to_id(it->second);
  if (!n || *n > 100) return Error{Errc::bad_request, "limit must be 1 to 100"};
  return static_cast<std::size_t>(*n);
}

// --- handlers, by domain --------------------------------------------------------------------
// api_session.cpp
void login(App& app, const HttpRequest& req, const Respond& respond);  // before authentication
void logout(const CallPtr& c);
void me(const CallPtr& c);
void live_without_upgrade(const CallPtr& c);
// api_tickets.cpp
void list_tickets(const CallPtr& c);
void get_ticket(const CallPtr& c);
void patch_ticket(const CallPtr& c);
void post_message(const CallPtr& c);
void merge_ticket(const CallPtr& c);
void get_attachment(const CallPtr& c);
void get_raw_message(const CallPtr& c);
void list_templates(const CallPtr& c);
// api_customers.cpp
void find_customers(const CallPtr& c);
void get_customer(const CallPtr& c);
void rename_customer(const CallPtr& c);
void add_identity(const CallPtr& c);
void remove_identity(const CallPtr& c);
void merge_customer(const CallPtr& c);
void unmerge_customer(const CallPtr& c);
// api_admin.cpp
void queue_stats(const CallPtr& c);     // api_stats.cpp
void queue_counts(const CallPtr& c);
void service_report(const CallPtr& c);
void satisfaction_report(const CallPtr& c);
void customer_experience(const CallPtr& c);  // api_experience.cpp
void put_presence(const CallPtr& c);         // api_presence.cpp
void put_group_members(const CallPtr& c);
void post_viewing(const CallPtr& c);
void delete_viewing(const CallPtr& c);
void list_macros(const CallPtr& c);   // api_macros.cpp
void create_macro(const CallPtr& c);
void update_macro(const CallPtr& c);
void delete_macro(const CallPtr& c);
void render_macro(const CallPtr& c);
void list_groups(const CallPtr& c);
void create_group(const CallPtr& c);
void rename_group(const CallPtr& c);
void delete_group(const CallPtr& c);
void list_agents(const CallPtr& c);
void create_agent(const CallPtr& c);
void update_agent(const CallPtr& c);
void list_channels(const CallPtr& c);
void list_tokens(const CallPtr& c);
void create_token(const CallPtr& c);
void revoke_token(const CallPtr& c);

}  // namespace touchpoint::server::api
