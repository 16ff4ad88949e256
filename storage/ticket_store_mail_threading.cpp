// TicketStore::Impl's mail threading: which ticket an inbound mail belongs to.
#include <cstdint>

#include "storage/ticket_store_impl.hpp"

namespace touchpoint::storage {

// The ticket of a message we stored (either way) under this Message-ID on this channel.
std::optional<int64_t> TicketStore::Impl::ticket_of_message_id(const std::string& channel,
                                                               const std::string& id) {
  StmtUse q(find_dup);
  q->bind(1, dedup_key(channel, id));
  while (q->step())
    if (q->text(2) == channel && q->text(3) == id) return q->int64(1);
  return std::nullopt;
}

// The ticket of a mail we sent from another channel under this Message-ID (a web chat
// reply mailed to a visitor who was away): our ids name their message ("tp.T.M.mac@..."),
// and only the message stored under exactly that id counts, so a forged id finds nothing.
std::optional<int64_t> TicketStore::Impl::ticket_of_our_mail(const std::string& id) {
  if (id.rfind("tp.", 0) != 0) return std::nullopt;
  auto second = id.find('.', 3);
  auto third = second == std::string::npos ? std::string::npos : id.find('.', second + 1);
  if (third == std::string::npos) return std::nullopt;
  int64_t message = 0;
  for (std::size_t i = second + 1; i < third; ++i) {
    if (id[i] < '0' || id[i] > '9' || message > (INT64_MAX - 9) / 10) return std::nullopt;
    message = message * 10 + (id[i] - '0');
  }
  Stmt q(h(), "SELECT ticket_id FROM messages WHERE id = ?1 AND direction = 'out' AND external_id = ?2");
  q.bind(1, message).bind(2, id);
  if (!q.step()) return std::nullopt;
  return q.int64(0);
}

// Mail finds its ticket by what it answers, never by its subject alone: the mail it replies
// to (In-Reply-To, then References newest first, among every Message-ID we stored, ours
// included), then a [#ID] subject token from someone who is a participant of that ticket.
TicketStore::Impl::EmailThread TicketStore::Impl::thread_email(const InboundContact& c) {
  const EmailFacts& e = *c.email;
  EmailThread t;
  std::vector<std::pair<std::string, const char*>> candidates;
  if (!e.bounced_message_id.empty()) candidates.emplace_back(e.bounced_message_id, "bounce");
  for (const auto& id : e.in_reply_to) candidates.emplace_back(id, "in-reply-to");
  for (auto it = e.references.rbegin(); it != e.references.rend(); ++it)
    candidates.emplace_back(*it, "references");
  for (const auto& [id, rule] : candidates) {
    auto ticket = ticket_of_message_id(c.channel_name, id);
    if (!ticket) ticket = ticket_of_our_mail(id);
    if (ticket) {
      t.ticket = ticket;
      t.rule = rule;
      break;
    }
  }
  if (!t.ticket && e.subject_ticket && !e.sender.empty()) {
    Stmt q(h(), "SELECT 1 FROM tickets t JOIN identities i ON i.customer_id = t.customer_id "
                "WHERE t.id = ?1 AND t.channel_name = ?2 AND i.type = 'email' AND i.address = ?3");
    q.bind(1, *e.subject_ticket).bind(2, c.channel_name).bind(3, e.sender);
    if (q.step()) {
      t.ticket = *e.subject_ticket;
      t.rule = "subject";
    }
  }
  if (!t.ticket) {
    t.rule = "new";
    return t;
  }
  auto status = follow_merges(*t.ticket);
  if (!status) {
    t.ticket.reset();
    t.rule = "new";
  } else if (*status == "closed" && e.automatic.empty()) {
    // A closed ticket stays closed: the customer's new words start a ticket that links it.
    t.follow_up_of = t.ticket;
    t.ticket.reset();
  } else {
    t.status = *status;  // automatic mail joins even a closed ticket, quietly
  }
  return t;
}

}  // namespace touchpoint::storage
