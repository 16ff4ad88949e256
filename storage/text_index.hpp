#pragma once
// Message bodies enter the full-text index behind a durable cursor, many messages per write.
// FTS5 turns every flush of new text into a segment of its own and later merges segments, four
// of a size at a time: flushed with each commit group (a few messages), a busy store made
// thousands of tiny segments a second, and the merges of a grown index stalled single commits
// for 100-400 ms. Indexed in batches, the same text makes a few segments a second. Internal to
// storage/.
#include <sqlite3.h>

#include <cstdint>

#include "storage/sqlite.hpp"

namespace touchpoint::storage {

class MessageTextIndex {
 public:
  explicit MessageTextIndex(sqlite3* db);

  // Indexes up to limit messages past the cursor and moves it past them, inside the open
  // transaction: the index and its cursor commit together, so a crash loses neither one alone.
  // System messages (survey questions) are passed over, as they always were. Returns how many
  // messages it passed.
  int64_t catch_up(int64_t limit);

  // How many committed messages are past the cursor (ids are dense: no message is deleted).
  int64_t lag();

 private:
  int64_t cursor();

  Stmt cursor_;
  Stmt range_end_;
  Stmt index_;
  Stmt advance_;
  Stmt newest_;
};

}  // namespace touchpoint::storage
