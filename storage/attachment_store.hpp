#pragma once
// Attachment bytes, content-addressed by SHA-256 under DIR/ab/cd/abcd...: the same file sent
// twice is stored once, and a row only names its hash.
//
// Thread-safe (files are written to a unique temp name, then renamed). Durable when put()
// returns a value: the file and its directory are fsynced, so a row committed after it never
// points at bytes a crash lost. A put whose transaction then rolls back leaves an unreferenced
// file, harmless and identical to what a retry writes.
#include <string>
#include <string_view>

#include "protocol/result.hpp"

namespace touchpoint::storage {

class AttachmentStore {
 public:
  explicit AttachmentStore(std::string dir);
  // The store of a data directory (DATA/attachments).
  static AttachmentStore of_store(const std::string& data_dir) { return AttachmentStore(data_dir + "/attachments"); }
  enum class Sync { now, deferred };
  // Returns the lowercase hex SHA-256 of data. Sync::now: durable on return. Sync::deferred:
  // written, durable only after sync_all() (which one flush serves for many files).
  Result<std::string> put(std::string_view data, Sync sync = Sync::now) const;
  // Makes every file written so far durable (syncfs on the store's filesystem).
  Status sync_all() const;
  std::string path_of(std::string_view sha256_hex) const;
  Result<std::string> get(std::string_view sha256_hex) const;

 private:
  std::string dir_;
};

std::string sha256_hex(std::string_view data);

}  // namespace touchpoint::storage
