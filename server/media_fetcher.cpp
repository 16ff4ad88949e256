#include "server/media_fetcher.hpp"

#include <spdlog/spdlog.h>

#include "protocol/delivery.hpp"
#include "protocol/live_events.hpp"
#include "protocol/url.hpp"
#include "protocol/messaging_send.hpp"

namespace touchpoint::server {
namespace {

MediaOutcome outcome_of(const FetchResult& r) {
  MediaOutcome o;
  if (r.status >= 200 && r.status < 300) {
    o.kind = MediaFetchKind::stored;
    o.bytes = r.body;
    o.content_type = r.content_type;
    return o;
  }
  if (r.status == 0 && r.error.find("body limit") != std::string::npos) {
    o.kind = MediaFetchKind::failed;
    o.error = "the file is larger than 25 MiB";
    return o;
  }
  o.kind = (r.status == 0 || r.status == 429 || r.status >= 500) ? MediaFetchKind::retry
                                                                 : MediaFetchKind::failed;
  o.error = r.status == 0 ? r.error : "HTTP " + std::to_string(r.status) + " from the provider";
  return o;
}

FetchRequest get(std::string url, std::vector<std::pair<std::string, std::string>> headers,
                 std::size_t max_body = 1024 * 1024) {
  FetchRequest req;
  req.method = "GET";
  req.url = std::move(url);
  req.headers = std::move(headers);
  req.max_body = max_body;
  req.max_redirects = 3;
  return req;
}

}  // namespace

MediaFetcher::MediaFetcher(net::io_context& ioc, App& app, Options options)
    : ioc_(ioc),
      app_(app),
      options_(options),
      poller_(
          ioc, options.poll,
          [this](JobPoller<MediaJob>::Due due) {
            return app_.readers.submit<std::vector<MediaJob>>(
                [now = app_.now()](storage::TicketReader& r) { return r.due_media(now, 50); },
                [due = std::move(due)](Result<std::vector<MediaJob>> jobs) {
                  if (!jobs) spdlog::warn("media: {}", jobs.error().message);
                  due(std::move(jobs));
                });
          },
          [this](const MediaJob& job, Settled settled) { download(job, std::move(settled)); },
          [](const MediaJob& job) { return job.id; }) {}

void MediaFetcher::download(const MediaJob& job, Settled settled) {
  const ChannelConfig* ch = app_.config.channel(job.channel_type, job.channel_name);
  if (!ch)
    return record(job, {MediaFetchKind::failed, "", "", "the channel is no longer configured"},
                  std::move(settled));
  std::string base = ch->api_base();
  if (job.channel_type == "whatsapp") {
    // The media id resolves to a short-lived URL, fetched with the same token.
    std::vector<std::pair<std::string, std::string>> auth = {
        {"Authorization", "Bearer " + ch->get("access_token")}};
    return fetch(ioc_, get(base + protocol::whatsapp_media_path(job.ref), auth),
                 [this, job, auth, settled = std::move(settled)](FetchResult r) mutable {
                   if (r.status < 200 || r.status >= 300) return record(job, outcome_of(r), settled);
                   auto url = protocol::whatsapp_media_url(r.body);
                   if (!url)
                     return record(job, {MediaFetchKind::failed, "", "", url.error().message}, settled);
                   get_file(job, get(*url, auth, protocol::kMaxMediaBytes), std::move(settled));
                 });
  }
  if (job.channel_type == "telegram") {
    std::string token = ch->get("bot_token");
    return fetch(ioc_, get(base + protocol::telegram_get_file_path(token, job.ref), {}),
                 [this, job, base, token, settled = std::move(settled)](FetchResult r) mutable {
                   if (r.status < 200 || r.status >= 300) return record(job, outcome_of(r), settled);
                   auto path = protocol::telegram_file_download_path(token, r.body);
                   if (!path)
                     return record(job, {MediaFetchKind::failed, "", "", path.error().message}, settled);
                   get_file(job, get(base + *path, {}, protocol::kMaxMediaBytes), std::move(settled));
                 });
  }
  if (!protocol::parse_url(job.ref))
    return record(job, {MediaFetchKind::failed, "", "", "the provider's media link is not a URL"},
                  std::move(settled));
  std::vector<std::pair<std::string, std::string>> headers;
  if (job.channel_type == "twilio")  // Twilio's media URLs need the account's credentials
    headers.emplace_back("Authorization", protocol::basic_auth(ch->get("account_sid"), ch->get("auth_token")));
  get_file(job, get(job.ref, std::move(headers), protocol::kMaxMediaBytes), std::move(settled));
}

void MediaFetcher::get_file(const MediaJob& job, FetchRequest req, Settled settled) {
  fetch(ioc_, std::move(req), [this, job, settled = std::move(settled)](FetchResult r) {
    record(job, outcome_of(r), settled);
  });
}

void MediaFetcher::record(const MediaJob& job, MediaOutcome outcome, Settled settled) {
  if (outcome.kind == MediaFetchKind::retry && job.attempts + 1 >= options_.max_attempts) {
    outcome.kind = MediaFetchKind::failed;
    outcome.error = "gave up after " + std::to_string(job.attempts + 1) + " attempts; last: " + outcome.error;
  }
  if (outcome.kind != MediaFetchKind::stored)
    spdlog::info("media: message {} via {}/{}: {} ({})", job.message_id, job.channel_type,
                 job.channel_name, outcome.kind == MediaFetchKind::retry ? "will retry" : "failed",
                 outcome.error);
  int64_t next = app_.now() + protocol::retry_delay_seconds(job.attempts, options_.backoff_base_seconds,
                                                            options_.backoff_cap_seconds);
  bool retry = outcome.kind == MediaFetchKind::retry;
  bool queued = app_.writer.submit<Unit>(
      [job, outcome = std::move(outcome), next](storage::TicketStore& s) {
        return s.record_media(job, outcome, next);
      },
      [this, job, retry, settled](Status r) {
        if (r && !retry) app_.hub.publish("ticket.updated", protocol::live_ticket(job.ticket_id));
        settled(r.has_value(), retry && options_.backoff_base_seconds == 0);
      });
  if (!queued) settled(false, false);
}

}  // namespace touchpoint::server
