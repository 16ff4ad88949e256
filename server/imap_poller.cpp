#include "server/imap_poller.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "protocol/email_parse.hpp"
#include "protocol/imap.hpp"
#include "server/curl_transfer.hpp"
#include "server/ingest.hpp"

namespace touchpoint::server {
namespace {

constexpr std::size_t kMaxMessagesPerRound = 50;      // one COMMIT's worth; the next round at once
constexpr std::size_t kMaxMessageBytes = 64 * 1024 * 1024;

struct Sink {
  std::string bytes;
  bool too_large = false;
};

size_t collect(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  if (sink->bytes.size() + size * n > kMaxMessageBytes) {
    sink->too_large = true;
    return 0;  // aborts the transfer
  }
  sink->bytes.append(data, size * n);
  return size * n;
}

}  // namespace

struct ImapPoller::Impl {
  App& app;
  std::string channel;
  protocol::ImapMailbox mailbox;
  std::string user, password;
  std::chrono::seconds every;
  std::mutex mu;
  std::condition_variable cv;
  std::atomic<bool> stopping{false};
  bool more = false;     // the last round left new messages for the next (worker thread only)
  CURL* curl = nullptr;  // one connection for the poller's life, reconnected when it drops
  std::thread worker;    // last: starts after every member above exists

  Impl(App& a, const ChannelConfig& ch)
      : app(a),
        channel(ch.name),
        mailbox(*protocol::parse_imap_url(ch.get("imap_url"))),  // config validated it
        user(ch.get("imap_user")),
        password(ch.get("imap_password")),
        every(ch.get("imap_poll_seconds").empty() ? 60 : std::stol(ch.get("imap_poll_seconds"))) {
    ensure_curl();
    curl = curl_easy_init();
    worker = std::thread([this] { run(); });
  }

  ~Impl() {
    stop();
    worker.join();
    if (curl) curl_easy_cleanup(curl);
  }

  void stop() {
    {
      std::lock_guard lock(mu);  // under the lock, so the worker cannot miss the notify
      stopping = true;
    }
    cv.notify_all();
  }

  void run() {
    while (!stopping) {
      more = false;
      auto s = round();
      if (s && more) continue;  // a full round: the backlog is read without waiting
      if (!s && !stopping)
        spdlog::warn("imap {}: {} (next try in {} s)", channel, s.error().message, every.count());
      std::unique_lock lock(mu);
      cv.wait_for(lock, every, [this] { return stopping.load(); });
    }
  }

  // One request on the shared connection: url, and a command (empty: fetch the URL's message).
  Result<std::string> request(const std::string& url, const std::string& command) {
    if (!curl) return Error{Errc::unavailable, "libcurl could not start"};
    Sink sink;
    char error[CURL_ERROR_SIZE] = {0};
    set_mail_transfer_options(curl, url, user, password, 300L, error, &stopping);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, command.empty() ? nullptr : command.c_str());
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
    CURLcode res = curl_easy_perform(curl);
    if (sink.too_large)
      return Error{Errc::too_large, "larger than " + std::to_string(kMaxMessageBytes >> 20) + " MiB"};
    if (res != CURLE_OK) return Error{Errc::unavailable, error[0] ? error : curl_easy_strerror(res)};
    return std::move(sink.bytes);
  }

  Result<ImapCursor> stored_cursor() {
    auto p = std::make_shared<std::promise<Result<ImapCursor>>>();
    bool queued = app.readers.submit<ImapCursor>(
        [name = channel](storage::TicketReader& r) { return r.imap_cursor(name); },
        [p](Result<ImapCursor> c) { p->set_value(std::move(c)); });
    if (!queued) return Error{Errc::unavailable, "the store is busy"};
    return p->get_future().get();
  }

  Status commit(WebhookBatch batch, ImapCursor cursor) {
    auto p = std::make_shared<std::promise<Status>>();
    commit_inbound(
        app, "email", channel, std::move(batch),
        [name = channel, cursor](storage::TicketStore& s) { return s.set_imap_cursor(name, cursor); },
        [p](Status s) { p->set_value(std::move(s)); });
    return p->get_future().get();
  }

  Status round() {
    auto cursor = stored_cursor();
    if (!cursor) return cursor.error();
    auto status_text = request(mailbox.server + "/",
                               "STATUS " + protocol::imap_quoted(mailbox.mailbox) + " (UIDVALIDITY UIDNEXT)");
    if (!status_text) return status_text.error();
    auto status = protocol::parse_imap_status(*status_text);
    if (!status) return Error{Errc::unavailable, "the server's STATUS gave no UIDVALIDITY and UIDNEXT"};
    ImapCursor at = *cursor;
    if (at.uidvalidity != status->uidvalidity) {
      if (at.uidvalidity != 0)
        spdlog::warn("imap {}: UIDVALIDITY changed from {} to {}; reading the mailbox again",
                     channel, at.uidvalidity, status->uidvalidity);
      at = {status->uidvalidity, 0};
    }
    if (status->uidnext <= at.last_uid + 1 && at.uidvalidity == cursor->uidvalidity) return ok();
    auto found = request(protocol::imap_mailbox_url(mailbox, at.uidvalidity),
                         "UID SEARCH UID " + std::to_string(at.last_uid + 1) + ":*");
    if (!found) return found.error();
    auto uids = protocol::parse_imap_search(*found, at.last_uid);
    WebhookBatch batch;
    Status fetched = ok();
    for (int64_t uid : uids) {
      if (stopping) break;
      if (batch.contacts.size() >= kMaxMessagesPerRound) {
        more = true;
        break;
      }
      auto raw = request(protocol::imap_message_url(mailbox, at.uidvalidity, uid), "");
      if (!raw && raw.error().code == Errc::too_large) {
        spdlog::warn("imap {}: UID {} is {}; left in the mailbox, not fetched", channel, uid, raw.error().message);
        at.last_uid = uid;
        continue;
      }
      if (!raw) {  // this round stops here; what was fetched is stored below
        fetched = Error{raw.error().code, "UID " + std::to_string(uid) + ": " + raw.error().message};
        break;
      }
      auto mail = protocol::parse_email(*raw, protocol::return_path(*raw).value_or("(no Return-Path)"));
      batch.contacts.push_back(protocol::email_contact(channel, mail, std::move(raw).value()));
      at.last_uid = uid;
    }
    if (at.uidvalidity == cursor->uidvalidity && at.last_uid == cursor->last_uid) return fetched;
    std::size_t n = batch.contacts.size();
    if (auto s = commit(std::move(batch), at); !s) return s;
    if (n) spdlog::info("imap {}: stored {} message(s) up to UID {}", channel, n, at.last_uid);
    return fetched;
  }
};

ImapPoller::ImapPoller(App& app, const ChannelConfig& channel)
    : impl_(std::make_unique<Impl>(app, channel)) {}
ImapPoller::~ImapPoller() = default;
void ImapPoller::stop() { impl_->stop(); }

}  // namespace touchpoint::server
