#include "server/metrics.hpp"

#include "storage/store_writer.hpp"

namespace touchpoint::server {

Metrics::Metrics()
    : request_seconds_({0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 5}) {}

void Metrics::request(std::string_view route, int status, double seconds) {
  request_seconds_.observe(seconds);
  std::lock_guard lock(mu_);
  ++requests_[{std::string(route), status}];
}

void Metrics::ingested(std::string_view channel_type, bool duplicate) {
  std::lock_guard lock(mu_);
  ++(duplicate ? duplicates_ : ingested_)[std::string(channel_type)];
}

void Metrics::overloaded() {
  std::lock_guard lock(mu_);
  ++overloaded_;
}

std::string Metrics::render(const storage::StoreWriter& writer) const {
  std::string out;
  {
    std::lock_guard lock(mu_);
    out += "# HELP touchpoint_http_requests_total HTTP requests by route pattern and status.\n";
    out += "# TYPE touchpoint_http_requests_total counter\n";
    for (const auto& [k, n] : requests_)
      out += "touchpoint_http_requests_total{route=\"" + k.first + "\",code=\"" +
             std::to_string(k.second) + "\"} " + std::to_string(n) + "\n";
    out += "# HELP touchpoint_ingested_messages_total Inbound messages stored, by channel type.\n";
    out += "# TYPE touchpoint_ingested_messages_total counter\n";
    for (const auto& [ch, n] : ingested_)
      out += "touchpoint_ingested_messages_total{channel=\"" + ch + "\"} " + std::to_string(n) + "\n";
    out += "# HELP touchpoint_duplicate_deliveries_total Redeliveries answered without storing.\n";
    out += "# TYPE touchpoint_duplicate_deliveries_total counter\n";
    for (const auto& [ch, n] : duplicates_)
      out += "touchpoint_duplicate_deliveries_total{channel=\"" + ch + "\"} " + std::to_string(n) +
             "\n";
    out += "# HELP touchpoint_overloaded_total Requests refused with 503 because the writer queue was full.\n";
    out += "# TYPE touchpoint_overloaded_total counter\n";
    out += "touchpoint_overloaded_total " + std::to_string(overloaded_) + "\n";
  }
  out += "# HELP touchpoint_http_request_seconds Time from request read to response queued.\n";
  out += "# TYPE touchpoint_http_request_seconds histogram\n";
  request_seconds_.render(out, "touchpoint_http_request_seconds");
  out += "# HELP touchpoint_writer_queue_depth Writes waiting for the storage thread.\n";
  out += "# TYPE touchpoint_writer_queue_depth gauge\n";
  out += "touchpoint_writer_queue_depth " + std::to_string(writer.queue_depth()) + "\n";
  out += "# HELP touchpoint_commit_batch_size Writes committed per transaction (group commit).\n";
  out += "# TYPE touchpoint_commit_batch_size histogram\n";
  writer.batch_sizes().render(out, "touchpoint_commit_batch_size");
  out += "# HELP touchpoint_commit_seconds Time to run and commit one group (its fsync apart).\n";
  out += "# TYPE touchpoint_commit_seconds histogram\n";
  writer.commit_seconds().render(out, "touchpoint_commit_seconds");
  out += "# HELP touchpoint_text_index_seconds Time to index one batch of message bodies, subjects and names for search.\n";
  out += "# TYPE touchpoint_text_index_seconds histogram\n";
  writer.text_index_seconds().render(out, "touchpoint_text_index_seconds");
  out += "# HELP touchpoint_wal_sync_seconds Time of one fsync of the WAL (it serves every group committed before it).\n";
  out += "# TYPE touchpoint_wal_sync_seconds histogram\n";
  writer.sync_seconds().render(out, "touchpoint_wal_sync_seconds");
  out += "# HELP touchpoint_wal_sync_failures_total fsyncs of the WAL that failed (their groups were answered 'unavailable').\n";
  out += "# TYPE touchpoint_wal_sync_failures_total counter\n";
  out += "touchpoint_wal_sync_failures_total " + std::to_string(writer.failed_syncs()) + "\n";
  out += "# HELP touchpoint_wal_sync_gathered_total fsyncs of the WAL that first waited for the senders the last one answered (storage/flush_gather.hpp).\n";
  out += "# TYPE touchpoint_wal_sync_gathered_total counter\n";
  out += "touchpoint_wal_sync_gathered_total " + std::to_string(writer.gathered_syncs()) + "\n";
  out += "# HELP touchpoint_wal_bytes Size of the SQLite write-ahead log after the last checkpoint.\n";
  out += "# TYPE touchpoint_wal_bytes gauge\n";
  out += "touchpoint_wal_bytes " + std::to_string(writer.wal_bytes()) + "\n";
  return out;
}

}  // namespace touchpoint::server
