#pragma once
// The migrations' SQL, in order, split by domain; storage/schema.cpp applies them. Internal.
#include <cstddef>

namespace touchpoint::storage {

inline constexpr int kCoreMigrationCount = 10;     // v1–v10 (migrations_core.cpp)
inline constexpr int kServiceMigrationCount = 11;  // v11–v21 (migrations_service.cpp)
extern const char* const kCoreMigrations[kCoreMigrationCount];
extern const char* const kServiceMigrations[kServiceMigrationCount];

}  // namespace touchpoint::storage
