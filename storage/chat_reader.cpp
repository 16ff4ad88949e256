// Web chat: TicketReader's reads of a visitor's conversation (chat_lines, numbered by a
// trigger in the transaction that stored each message).
#include <algorithm>

#include "storage/sqlite.hpp"
#include "storage/ticket_reader_impl.hpp"

namespace touchpoint::storage {
namespace {

// The columns every read of a line takes, in read_line's order. A survey's question carries
// its survey (the widget offers the scale).
constexpr const char* kLineColumns =
    "c.seq, m.id, m.author, coalesce(a.name, ''), m.body, m.created_at, "
    "CASE WHEN m.direction = 'in' THEN coalesce(m.external_id, '') ELSE '' END, "
    "coalesce(s.id, 0), coalesce(s.kind, ''), c.channel_name, c.conversation "
    "FROM chat_lines c JOIN messages m ON m.id = c.message_id "
    "LEFT JOIN agents a ON a.id = m.author_agent_id "
    "LEFT JOIN surveys s ON m.send_options IS NOT NULL AND json_valid(m.send_options) "
    "AND s.id = json_extract(m.send_options, '$.survey.id') "
    "AND json_extract(m.send_options, '$.survey.step') = 'question' ";

protocol::ChatLine read_line(Stmt& q) {
  protocol::ChatLine l;
  l.seq = q.int64(0);
  l.message_id = q.int64(1);
  l.author = q.text(2);
  l.agent_name = q.text(3);
  l.text = q.text(4);
  l.created_at = q.int64(5);
  l.client_id = protocol::chat_client_id(q.text(6));
  l.survey_id = q.int64(7);
  l.survey_kind = q.text(8);
  return l;
}

}  // namespace

Result<ChatReplay> TicketReader::chat_replay(const std::string& channel, const std::string& visitor,
                                             int64_t after, std::size_t limit) {
  return guarded([&]() -> Result<ChatReplay> {
    std::string conversation = "thread:" + visitor;
    ChatReplay out;
    {
      Stmt& q = cached("SELECT coalesce(max(seq), 0) FROM chat_lines WHERE channel_name = ?1 "
                       "AND conversation = ?2");
      StmtUse use(q);
      q.bind(1, channel).bind(2, conversation);
      q.step();
      out.last_seq = q.int64(0);
    }
    {
      Stmt& q = cached("SELECT id FROM tickets WHERE channel_name = ?1 AND thread_key = ?2 "
                       "ORDER BY id DESC LIMIT 1");
      StmtUse use(q);
      q.bind(1, channel).bind(2, conversation);
      if (q.step()) out.ticket_id = q.int64(0);
    }
    Stmt& q = cached(std::string("SELECT ") + kLineColumns +
                     "WHERE c.channel_name = ?1 AND c.conversation = ?2 AND c.seq > ?3 "
                     "ORDER BY c.seq LIMIT ?4");
    StmtUse use(q);
    q.bind(1, channel).bind(2, conversation).bind(3, after).bind(4, static_cast<int64_t>(limit));
    while (q.step()) out.lines.push_back(read_line(q));
    if (!out.lines.empty()) out.last_seq = std::max(out.last_seq, out.lines.back().seq);
    return out;
  });
}

Result<ChatLineOf> TicketReader::chat_line(int64_t message_id) {
  return guarded([&]() -> Result<ChatLineOf> {
    Stmt& q = cached(std::string("SELECT ") + kLineColumns + "WHERE c.message_id = ?1");
    StmtUse use(q);
    q.bind(1, message_id);
    if (!q.step()) return Error{Errc::not_found, "no chat line for this message"};
    ChatLineOf out;
    out.line = read_line(q);
    out.channel = q.text(9);
    std::string conversation = q.text(10);
    out.visitor = conversation.rfind("thread:", 0) == 0 ? conversation.substr(7) : conversation;
    return out;
  });
}

Result<std::optional<ChatConversation>> TicketReader::chat_conversation(int64_t ticket_id) {
  return guarded([&]() -> Result<std::optional<ChatConversation>> {
    Stmt& q = cached("SELECT channel_name, thread_key FROM tickets WHERE id = ?1 AND "
                     "channel_type = 'webchat' AND thread_key LIKE 'thread:%'");
    StmtUse use(q);
    q.bind(1, ticket_id);
    if (!q.step()) return std::optional<ChatConversation>{};
    return std::optional<ChatConversation>{ChatConversation{q.text(0), q.text(1).substr(7)}};
  });
}

}  // namespace touchpoint::storage
