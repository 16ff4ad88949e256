#pragma once
// MediaFetcher: downloads the media customers sent on messaging channels into the attachment
// store, after their message was acknowledged. Each file is a durable job (media_jobs) run by
// a JobPoller: network errors, 429 and 5xx retry with backoff; other refusals, files over
// 25 MiB and a channel no longer configured fail the job, and the message keeps its "[image]"
// line with an event saying why.
//
// Must be stopped and destroyed before the io_context; the store writer and reader pool must
// outlive it.
#include <chrono>

#include "protocol/media_download.hpp"
#include "server/app.hpp"
#include "server/http_fetch.hpp"
#include "server/job_poller.hpp"

namespace touchpoint::server {

class MediaFetcher {
 public:
  struct Options {
    std::chrono::milliseconds poll{1000};
    int64_t backoff_base_seconds = 5;
    int64_t backoff_cap_seconds = 3600;
    int64_t max_attempts = 10;
  };
  MediaFetcher(net::io_context& ioc, App& app, Options options);
  void start() { poller_.nudge(); }
  void nudge() { poller_.nudge(); }
  void stop() { poller_.stop(); }

 private:
  using Settled = JobPoller<MediaJob>::Settled;
  void download(const MediaJob& job, Settled settled);
  void get_file(const MediaJob& job, FetchRequest req, Settled settled);
  void record(const MediaJob& job, MediaOutcome outcome, Settled settled);

  net::io_context& ioc_;
  App& app_;
  Options options_;
  JobPoller<MediaJob> poller_;
};

}  // namespace touchpoint::server
