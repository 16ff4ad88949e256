#include "storage/text_index.hpp"

#include <string>

namespace touchpoint::storage {

// The table's name is part of the SQL (an identifier cannot be bound); it is always one of
// ours, never input. The cursor's name is bound.
TextIndex::TextIndex(sqlite3* db, const char* cursor, const char* table, const char* index_range)
    : name_(cursor),
      cursor_(db, "SELECT indexed_through FROM text_index_cursor WHERE name = ?1"),
      range_end_(db, (std::string("SELECT max(id) FROM (SELECT id FROM ") + table +
                      " WHERE id > ?1 ORDER BY id LIMIT ?2)").c_str()),
      index_(db, index_range),
      advance_(db, "INSERT INTO text_index_cursor(name, indexed_through) VALUES (?1, ?2) "
                   "ON CONFLICT(name) DO UPDATE SET indexed_through = excluded.indexed_through"),
      newest_(db, (std::string("SELECT coalesce(max(id), 0) FROM ") + table).c_str()) {}

int64_t TextIndex::cursor() {
  StmtUse q(cursor_);
  q->bind(1, name_);
  return q->step() ? q->int64(0) : 0;
}

int64_t TextIndex::catch_up(int64_t limit) {
  int64_t from = cursor();
  int64_t to = 0;
  {
    StmtUse q(range_end_);
    q->bind(1, from).bind(2, limit);
    if (!q->step() || q->is_null(0)) return 0;  // nothing past the cursor
    to = q->int64(0);
  }
  index_.bind(1, from).bind(2, to).run();
  advance_.bind(1, name_).bind(2, to).run();
  return to - from;
}

int64_t TextIndex::lag() {
  int64_t newest = 0;
  {
    StmtUse q(newest_);
    if (q->step()) newest = q->int64(0);
  }
  return newest - cursor();
}

TextIndexes::TextIndexes(sqlite3* db)
    : bodies(db, "messages", "messages",
             "INSERT INTO message_search(rowid, body) SELECT id, body FROM messages "
             "WHERE id > ?1 AND id <= ?2 AND author <> 'system'"),
      subjects(db, "tickets", "tickets",
               "INSERT INTO subject_search(rowid, subject) SELECT id, subject FROM tickets "
               "WHERE id > ?1 AND id <= ?2"),
      names(db, "customers", "customers",
            "INSERT INTO customer_search(rowid, name) SELECT id, name FROM customers "
            "WHERE id > ?1 AND id <= ?2") {}

int64_t TextIndexes::catch_up(int64_t limit) {
  return bodies.catch_up(limit) + subjects.catch_up(limit) + names.catch_up(limit);
}

}  // namespace touchpoint::storage
