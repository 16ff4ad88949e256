// TicketReader: the due work of the background jobs (outbox sends, media downloads, IMAP).
#include "storage/ticket_reader_impl.hpp"

namespace touchpoint::storage {

Result<std::vector<OutboundItem>> TicketReader::due_outbox(int64_t now, std::size_t limit) {
  return guarded([&]() -> Result<std::vector<OutboundItem>> {
    std::vector<OutboundItem> out;
    {
      StmtUse q(impl_->due);
      q->bind(1, now).bind(2, static_cast<int64_t>(limit));
      while (q->step()) {
        OutboundItem o;
        o.outbox_id = q->int64(0);
        o.message_id = q->int64(1);
        o.ticket_id = q->int64(2);
        o.customer_id = q->int64(3);
        o.channel_type = q->text(4);
        o.channel_name = q->text(5);
        std::string thread = q->text(6);
        if (thread.rfind("thread:", 0) == 0) o.thread = thread.substr(7);
        o.body = q->text(7);
        o.attempts = q->int64(8);
        o.send_options = q->text(9);
        o.subject = q->text(10);
        out.push_back(std::move(o));
      }
    }
    for (auto& o : out) {
      StmtUse q(impl_->identities);
      q->bind(1, o.customer_id);
      while (q->step()) o.to.push_back({q->text(0), q->text(1)});
    }
    for (auto& o : out) {
      StmtUse q(impl_->message_files);
      q->bind(1, o.message_id);
      while (q->step())
        o.files.push_back({q->text(0), q->text(1), impl_->files.path_of(q->text(2)), q->int64(3)});
    }
    for (auto& o : out) {
      if (o.channel_type != "email") continue;
      StmtUse q(impl_->mail_ids);
      q->bind(1, o.ticket_id);
      while (q->step()) {
        o.mail_ids.push_back(q->text(0));
        if (q->text(1) == "in") o.last_inbound_mail_id = q->text(0);
      }
    }
    return out;
  });
}

Result<std::vector<MediaJob>> TicketReader::due_media(int64_t now, std::size_t limit) {
  return guarded([&]() -> Result<std::vector<MediaJob>> {
    std::vector<MediaJob> out;
    Stmt q(impl_->h(), "SELECT j.id, j.message_id, m.ticket_id, j.channel_type, j.channel_name, "
                       "j.kind, j.ref, j.content_type, j.filename, j.attempts FROM media_jobs j "
                       "JOIN messages m ON m.id = j.message_id "
                       "WHERE j.state = 'pending' AND j.next_attempt_at <= ?1 "
                       "ORDER BY j.next_attempt_at LIMIT ?2");
    q.bind(1, now).bind(2, static_cast<int64_t>(limit));
    while (q.step())
      out.push_back({q.int64(0), q.int64(1), q.int64(2), q.text(3), q.text(4), q.text(5), q.text(6),
                     q.text(7), q.text(8), q.int64(9)});
    q.reset();
    return out;
  });
}

Result<ImapCursor> TicketReader::imap_cursor(const std::string& channel_name) {
  return guarded([&]() -> Result<ImapCursor> {
    Stmt q(impl_->h(), "SELECT uidvalidity, last_uid FROM imap_cursors WHERE channel_name = ?1");
    q.bind(1, channel_name);
    ImapCursor c;
    if (q.step()) c = {q.int64(0), q.int64(1)};
    q.reset();
    return c;
  });
}

}  // namespace touchpoint::storage
