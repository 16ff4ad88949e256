#pragma once
// Text enters the full-text indexes behind durable cursors, many rows per write: message bodies
// (message_search), ticket subjects (subject_search) and customer names (customer_search). FTS5 turns every flush of new text
// into a segment of its own and later merges segments, four of a size at a time: flushed with
// each commit group (a few messages), a busy store made thousands of tiny segments a second,
// and the merges of a grown index stalled single commits for 100-400 ms. Indexed in batches,
// the same text makes a few segments a second. Internal to storage/.
#include <sqlite3.h>

#include <cstdint>
#include <string>

#include "storage/sqlite.hpp"

namespace touchpoint::storage {

// One index over one table's rows, in rowid order behind its cursor. Rowids are dense and
// only grow: no message, ticket or customer is ever deleted.
class TextIndex {
 public:
  // cursor: the row of text_index_cursor; table: whose rows; index_range: the INSERT into the
  // FTS5 table of the rows with ?1 < rowid <= ?2.
  TextIndex(sqlite3* db, const char* cursor, const char* table, const char* index_range);

  // Indexes up to limit rows past the cursor and moves it past them, inside the open
  // transaction: the index and its cursor commit together, so a crash loses neither one alone.
  // Returns how many rows it passed.
  int64_t catch_up(int64_t limit);
  // How many committed rows are past the cursor.
  int64_t lag();
  // Whether the row is in the index (a change to its text must take the old text out first).
  bool covers(int64_t rowid) { return rowid <= cursor(); }

 private:
  int64_t cursor();

  std::string name_;  // the cursor's row
  Stmt cursor_;
  Stmt range_end_;
  Stmt index_;
  Stmt advance_;
  Stmt newest_;
};

// Every index, caught up together.
struct TextIndexes {
  explicit TextIndexes(sqlite3* db);
  int64_t catch_up(int64_t limit);  // up to limit rows of each; returns how many rows it passed
  int64_t lag() { return bodies.lag() + subjects.lag() + names.lag(); }

  TextIndex bodies;    // messages.body; system messages (survey questions) are passed over
  TextIndex subjects;  // tickets.subject (a rename of an indexed one: ticket_store_tickets.cpp)
  TextIndex names;     // customers.name (a rename of an indexed one: the customers_reindexed trigger)
};

}  // namespace touchpoint::storage
