#include "server/curl_transfer.hpp"

#include <cstdlib>
#include <mutex>

namespace touchpoint::server {
namespace {

int keep_going(void* stopping, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<std::atomic<bool>*>(stopping)->load() ? 1 : 0;  // 1 aborts the transfer
}

}  // namespace

void ensure_curl() {
  static std::once_flag ready;
  std::call_once(ready, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

void set_mail_transfer_options(CURL* curl, const std::string& url, const std::string& user,
                               const std::string& password, long timeout_seconds, char* error,
                               std::atomic<bool>* stopping) {
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  if (url.rfind("smtp://", 0) == 0 || url.rfind("imap://", 0) == 0)
    curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
  if (!user.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, user.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, password.c_str());
  }
  // The same trust store as every other outbound TLS here: the system's, or SSL_CERT_FILE
  // when an admin points it at their own CA (libcurl otherwise reads only its built-in path).
  if (const char* ca = std::getenv("SSL_CERT_FILE"); ca && *ca) curl_easy_setopt(curl, CURLOPT_CAINFO, ca);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 15L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeout_seconds);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, keep_going);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, stopping);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
}

}  // namespace touchpoint::server
