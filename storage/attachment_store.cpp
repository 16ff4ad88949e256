#include "storage/attachment_store.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "protocol/hex.hpp"

namespace touchpoint::storage {
namespace fs = std::filesystem;
namespace {

bool fsync_path(const fs::path& p, int flags) {
  int fd = ::open(p.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

Error unavailable(const std::string& what) {
  return Error{Errc::unavailable, "attachment store: " + what};
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return protocol::to_hex(md, len);
}

AttachmentStore::AttachmentStore(std::string dir) : dir_(std::move(dir)) {}

std::string AttachmentStore::path_of(std::string_view h) const {
  return dir_ + "/" + std::string(h.substr(0, 2)) + "/" + std::string(h.substr(2, 2)) + "/" +
         std::string(h);
}

Result<std::string> AttachmentStore::put(std::string_view data, Sync sync) const {
  static std::atomic<unsigned long> counter{0};
  std::string hash = sha256_hex(data);
  fs::path final_path = path_of(hash);
  std::error_code ec;
  if (fs::exists(final_path, ec)) return hash;
  fs::path parent = final_path.parent_path();
  fs::create_directories(parent, ec);
  if (ec) return unavailable("cannot create " + parent.string());
  fs::path tmp = parent / (".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return unavailable("cannot write");
  bool ok = write_all(fd, data) && (sync == Sync::deferred || ::fsync(fd) == 0);
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), final_path.c_str()) != 0) {
    fs::remove(tmp, ec);
    return unavailable("cannot write");
  }
  if (sync == Sync::now && !fsync_path(parent, O_RDONLY | O_DIRECTORY)) return unavailable("cannot sync");
  return hash;
}

Status AttachmentStore::sync_all() const {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  int fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return unavailable("cannot open " + dir_);
  bool synced = ::syncfs(fd) == 0;
  ::close(fd);
  if (!synced) return unavailable("cannot sync " + dir_);
  return touchpoint::ok();
}

Result<std::string> AttachmentStore::get(std::string_view h) const {
  std::ifstream in(path_of(h), std::ios::binary);
  if (!in) return Error{Errc::not_found, "attachment not found"};
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace touchpoint::storage
