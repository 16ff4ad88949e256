// /api/v1/tickets, their messages and files.
#include "server/api_call.hpp"

#include <set>

#include "protocol/agent_api.hpp"
#include "protocol/http_field.hpp"
#include "protocol/live_events.hpp"
#include "protocol/query_string.hpp"
#include "protocol/search_query.hpp"

namespace touchpoint::server::api {
namespace {

struct ListQuery {
  storage::TicketFilter filter;
  std::optional<std::string> fts;              // q, as a safe FTS5 query
  std::optional<int64_t> search_before;        // search cursor: "s<message id>"
};

void answer_ticket(const CallPtr& c, int64_t id, int status) {
  read<TicketView>(
      c, [id](storage::TicketReader& r) { return r.ticket(id); },
      [c, status](TicketView v) { c->respond(json(status, protocol::encode_ticket_view(v))); });
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
    } else if (k == "sla") {
      if (v != "at_risk" && v != "breached")
        return Error{Errc::bad_request, "sla must be at_risk or breached"};
      f.sla = v;
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
               {"X-Touchpoint-Content-Type", protocol::media_type_or_bytes(f.content_type)}};
  return r;
}

}  // namespace

void list_tickets(const CallPtr& c) {
  auto lq = ticket_query(c);
  if (!lq) return c->respond(error_response(lq.error()));
  if (lq->fts) {
    using Page = storage::TicketReader::SearchPage;
    return read_indexed<Page>(
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
  std::string_view key = c->req.header("idempotency-key");
  if (key.size() > 255 || !protocol::is_field_value(key))
    return c->respond(error_response({Errc::bad_request, "Idempotency-Key must be 1 to 255 visible characters"}));
  m->idempotency_key = std::string(key);
  write<MessageCreated>(
      c,
      [id = c->ids[0], msg = m.value(), agent = c->who.agent_id,
       &templates = c->app.templates](storage::TicketStore& s) {
        return s.add_agent_message(id, msg, agent, templates);
      },
      [c, internal = m->internal](MessageCreated created) {
        if (created.collided_with_agent)
          return c->respond(json(409, protocol::encode_reply_collision(*created.collided_with_agent,
                                                                       created.collided_with_name)));
        if (created.duplicate) return c->respond(json(201, protocol::encode_message_created(created)));
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
}  // namespace touchpoint::server::api
