#include "server/secret.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace touchpoint::server {

Result<std::string> load_or_create_secret(const std::string& data_dir) {
  std::string path = data_dir + "/secret.key";
  {
    std::ifstream in(path, std::ios::binary);
    if (in) {
      std::stringstream ss;
      ss << in.rdbuf();
      std::string key = ss.str();
      if (key.size() == 32) return key;
      return Error{Errc::unavailable, path + " is damaged (not 32 bytes); restore it from a backup"};
    }
  }
  std::string key(32, '\0');
  randombytes_buf(key.data(), key.size());
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return Error{Errc::unavailable, "cannot write " + tmp + ": " + std::strerror(errno)};
  bool written = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!written || ::rename(tmp.c_str(), path.c_str()) != 0)
    return Error{Errc::unavailable, "cannot write " + path + ": " + std::strerror(errno)};
  return key;
}

}  // namespace touchpoint::server
