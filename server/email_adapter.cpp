#include "server/email_adapter.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <condition_variable>
#include <ctime>
#include <deque>
#include <fstream>
#include <iterator>
#include <mutex>
#include <thread>

#include "protocol/email_build.hpp"
#include "server/curl_transfer.hpp"

namespace touchpoint::server {
namespace {

constexpr std::size_t kMaxReferences = 20;  // the newest; RFC 5322 lets us trim the middle

struct Upload {
  const std::string& bytes;
  std::size_t sent = 0;
};

size_t read_body(char* buffer, size_t size, size_t n, void* user) {
  auto* u = static_cast<Upload*>(user);
  std::size_t take = std::min(size * n, u->bytes.size() - u->sent);
  std::memcpy(buffer, u->bytes.data() + u->sent, take);
  u->sent += take;
  return take;
}

// Keeps the server's last reply line: the words a failed message shows the agent.
int watch_replies(CURL*, curl_infotype type, char* data, size_t size, void* user) {
  if (type != CURLINFO_HEADER_IN) return 0;
  std::string line(data, size);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  if (!line.empty()) *static_cast<std::string*>(user) = line;
  return 0;
}

class EmailAdapter : public ChannelAdapter {
 public:
  EmailAdapter(const ChannelConfig& c, std::string secret)
      : url_(c.get("smtp_url")),
        user_(c.get("smtp_user")),
        password_(c.get("smtp_password")),
        from_name_(c.get("from_name")),
        address_(c.get("address")),
        secret_(std::move(secret)) {
    if (address_.empty())
      if (auto it = c.lists.find("addresses"); it != c.lists.end() && !it->second.empty())
        address_ = it->second.front();
    domain_ = address_.substr(address_.find('@') + 1);
    worker_ = std::thread([this] { run(); });
  }

  // Queued replies stay pending in the store and are sent after the restart; the one in
  // progress is aborted (if the server had taken it, the customer may get it twice: mail is
  // at-least-once).
  ~EmailAdapter() override {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;  // under the lock, so the worker cannot miss the notify
    }
    cv_.notify_all();
    worker_.join();
  }

  void send(const OutboundItem& item, std::function<void(DeliveryOutcome)> done) override {
    {
      std::lock_guard lock(mu_);
      queue_.emplace_back(item, std::move(done));
    }
    cv_.notify_one();
  }

 private:
  void run() {
    while (true) {
      std::pair<OutboundItem, std::function<void(DeliveryOutcome)>> job;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (stopping_) return;
        job = std::move(queue_.front());
        queue_.pop_front();
      }
      auto outcome = submit(job.first);
      if (stopping_) return;
      job.second(std::move(outcome));
    }
  }

  DeliveryOutcome submit(const OutboundItem& item) {
    if (url_.empty()) return {DeliveryKind::failed, "", "the channel has no smtp_url to send replies through"};
    std::string to;
    for (const auto& id : item.to)
      if (id.type == "email") {
        to = id.address;
        break;
      }
    if (to.empty()) return {DeliveryKind::failed, "", "the customer has no email address"};

    protocol::OutboundEmail mail;
    mail.from_name = from_name_;
    mail.from_address = address_;
    mail.to_address = to;
    mail.subject = protocol::reply_subject(item.ticket_id, item.subject);
    mail.message_id = protocol::our_message_id(item.ticket_id, item.message_id, secret_, domain_);
    mail.in_reply_to = item.last_inbound_mail_id;
    std::size_t skip = item.mail_ids.size() > kMaxReferences ? item.mail_ids.size() - kMaxReferences : 0;
    mail.references.assign(item.mail_ids.begin() + static_cast<long>(skip), item.mail_ids.end());
    mail.text = item.body;
    mail.date = std::time(nullptr);
    for (const auto& f : item.files) {
      std::ifstream in(f.path, std::ios::binary);
      if (!in.is_open())
        return {DeliveryKind::failed, "", "the attachment " + f.filename + " is missing from the store"};
      mail.files.push_back({f.filename, f.content_type,
                            std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>())});
    }
    std::string bytes = protocol::build_email(mail);

    CURL* curl = curl_easy_init();
    if (!curl) return {DeliveryKind::retry, "", "libcurl could not start"};
    Upload upload{bytes};
    std::string last_reply;
    char error[CURL_ERROR_SIZE] = {0};
    curl_slist* rcpt = curl_slist_append(nullptr, ("<" + to + ">").c_str());
    set_mail_transfer_options(curl, url_, user_, password_, 120L, error, &stopping_);
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, ("<" + address_ + ">").c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_body);
    curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, watch_replies);
    curl_easy_setopt(curl, CURLOPT_DEBUGDATA, &last_reply);
    curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);  // feeds watch_replies; nothing is printed
    CURLcode res = curl_easy_perform(curl);
    long code = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(curl);
    return protocol::smtp_submission_outcome(res == CURLE_OK, static_cast<int>(code), last_reply,
                                             error[0] ? error : curl_easy_strerror(res), mail.message_id);
  }

  std::string url_, user_, password_, from_name_, address_, domain_, secret_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<OutboundItem, std::function<void(DeliveryOutcome)>>> queue_;  // guarded by mu_
  std::atomic<bool> stopping_{false};  // also read by libcurl's progress callback
  std::thread worker_;                 // last: starts after every member above exists
};

}  // namespace

std::unique_ptr<ChannelAdapter> make_email_adapter(const ChannelConfig& channel, std::string secret) {
  ensure_curl();
  return std::make_unique<EmailAdapter>(channel, std::move(secret));
}

}  // namespace touchpoint::server
