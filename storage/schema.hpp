#pragma once
#include <sqlite3.h>

namespace touchpoint::storage {

// The schema version this build writes. A store newer than this is refused, not downgraded.
inline constexpr int kSchemaVersion = 21;

// Applies every migration after the store's PRAGMA user_version, each in its own transaction.
// Idempotent. Throws SqliteError; refuses (throws) a store from a newer build.
void migrate(sqlite3* db);

}  // namespace touchpoint::storage
