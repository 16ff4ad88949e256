// The schema, versioned by PRAGMA user_version. Append a migration; never edit a shipped one.
//
// Times are INTEGER unix seconds (UTC): compact, sortable, formatted as RFC 3339 at the edge.
// The timeline of a ticket or customer is its messages plus its events: every state change
// (ticket created, status changed, customer created, identity added, ...) is an events row
// with actor and time, written in the same transaction as the change. A received message is
// its own record and is not duplicated as an event (one less row and two fewer index writes
// per message on the hot path).
#include "storage/schema.hpp"

#include <string>

#include "storage/schema_migrations.hpp"
#include "storage/sqlite.hpp"

namespace touchpoint::storage {
namespace {

int user_version(sqlite3* db) {
  Stmt s(db, "PRAGMA user_version");
  s.step();
  int v = static_cast<int>(s.int64(0));
  s.reset();
  return v;
}

}  // namespace

void migrate(sqlite3* db) {
  static_assert(kCoreMigrationCount + kServiceMigrationCount == kSchemaVersion);
  int current = user_version(db);
  if (current > kSchemaVersion)
    throw SqliteError(SQLITE_ERROR, "the store has schema version " + std::to_string(current) +
                                        ", newer than this build's " +
                                        std::to_string(kSchemaVersion));
  for (int v = current; v < kSchemaVersion; ++v) {
    Transaction tx(db);
    exec(db, v < kCoreMigrationCount ? kCoreMigrations[v] : kServiceMigrations[v - kCoreMigrationCount]);
    exec(db, ("PRAGMA user_version = " + std::to_string(v + 1)).c_str());
    tx.commit();
  }
}

}  // namespace touchpoint::storage
