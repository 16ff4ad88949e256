#include "storage/text_index.hpp"

namespace touchpoint::storage {

MessageTextIndex::MessageTextIndex(sqlite3* db)
    : cursor_(db, "SELECT indexed_through FROM text_index_cursor WHERE name = 'messages'"),
      range_end_(db, "SELECT max(id) FROM (SELECT id FROM messages WHERE id > ?1 ORDER BY id LIMIT ?2)"),
      index_(db, "INSERT INTO message_search(rowid, body) SELECT id, body FROM messages "
                 "WHERE id > ?1 AND id <= ?2 AND author <> 'system'"),
      advance_(db, "UPDATE text_index_cursor SET indexed_through = ?1 WHERE name = 'messages'"),
      newest_(db, "SELECT coalesce(max(id), 0) FROM messages") {}

int64_t MessageTextIndex::cursor() {
  StmtUse q(cursor_);
  return q->step() ? q->int64(0) : 0;
}

int64_t MessageTextIndex::catch_up(int64_t limit) {
  int64_t from = cursor();
  int64_t to = 0;
  {
    StmtUse q(range_end_);
    q->bind(1, from).bind(2, limit);
    if (!q->step() || q->is_null(0)) return 0;  // nothing past the cursor
    to = q->int64(0);
  }
  index_.bind(1, from).bind(2, to).run();
  advance_.bind(1, to).run();
  return to - from;
}

int64_t MessageTextIndex::lag() {
  int64_t newest = 0;
  {
    StmtUse q(newest_);
    if (q->step()) newest = q->int64(0);
  }
  return newest - cursor();
}

}  // namespace touchpoint::storage
