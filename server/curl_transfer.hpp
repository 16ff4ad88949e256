#pragma once
// What every libcurl mail transfer here shares (SMTP submission, IMAP fetch). Included only by
// the two .cpp files that use libcurl.
#include <curl/curl.h>

#include <atomic>
#include <string>

namespace touchpoint::server {

// curl_global_init, once per process; safe from any thread.
void ensure_curl();

// Sets url; the system's trust store (or SSL_CERT_FILE); STARTTLS when the server offers it for plain smtp:// and imap:// (smtps:// and
// imaps:// are TLS from the start); AUTH when user is set; no signals; 15 s to connect and
// timeout_seconds in all; libcurl's words for a failure in error (CURL_ERROR_SIZE bytes); and
// an abort as soon as *stopping turns true.
void set_mail_transfer_options(CURL* curl, const std::string& url, const std::string& user,
                               const std::string& password, long timeout_seconds, char* error,
                               std::atomic<bool>* stopping);

}  // namespace touchpoint::server
