#pragma once
// Queue statistics and service reports (the contract's "Queue statistics and reports"): what
// the store reads back, the percentile rule both use, and their JSON and CSV. Pure.
//
// Percentiles are nearest-rank (the p-th percentile of n sorted values is the ceil(p/100 * n)-th).
// A report of one day reads the exact values, so it and a recomputation by hand agree to the
// second. Longer periods and the live "today" read per-day sketches: a fixed log-bucket
// histogram of each duration (bucket b holds the seconds s with floor(8·log2(1+s)) = b, each
// bucket 2^(1/8) ≈ 9% wide), so a year costs what a day does; a percentile read from a sketch
// is the nearest-rank bucket's geometric middle, within 4.5% of the exact value (exact below
// 11 s, where every bucket holds one second).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace touchpoint::protocol {

// One row of service figures: a period's received and solved tickets, reply and resolution
// times, SLA attainment and reopens.
struct ServiceFigures {
  std::string key;    // the channel type, group name, agent id or day; "" for none
  std::string label;  // agent rows: the agent's name
  int64_t tickets = 0, solved = 0, reopens = 0;
  int64_t sla_met = 0, sla_breached = 0;
  std::vector<int64_t> first_reply_seconds, resolution_seconds;  // unsorted samples
  // Or, read from sketches: bucket → how many (duration_bucket).
  std::map<int64_t, int64_t> first_reply_buckets, resolution_buckets;
};

// The sketch bucket of a duration: floor(8·log2(1+s)) (the store's trigger computes the same).
int64_t duration_bucket(int64_t seconds);
// The p-th percentile (nearest rank) of a sketch: its bucket's geometric middle, in seconds.
std::optional<int64_t> sketch_rank(const std::map<int64_t, int64_t>& buckets, int percent);

std::optional<int64_t> nearest_rank(std::vector<int64_t>& values, int percent);  // sorts values
// met / (met + breached), or nullopt when no target concluded.
std::optional<double> attainment(int64_t met, int64_t breached);

struct QueueStats {
  std::map<std::string, int64_t> statuses, by_priority, by_channel, by_group;
  int64_t open_total = 0, unassigned = 0;
  std::optional<int64_t> oldest_waiting_at;
  int64_t sla_at_risk = 0, sla_breached = 0;
  int64_t agents_online = 0, agents_away = 0;
  ServiceFigures today;
};

// GET /api/v1/queues: the console's queues and how many open tickets each holds, for any
// agent ("mine" is the caller's), from the same counters as QueueStats.
struct QueueCounts {
  struct Group {
    int64_t id = 0;
    std::string name;
    int64_t open = 0;
  };
  int64_t open = 0, mine = 0, unassigned = 0, sla_at_risk = 0, sla_breached = 0;
  std::vector<Group> groups;  // every group, by name
};

std::string encode_queue_stats(QueueStats s);
std::string encode_queue_counts(const QueueCounts& c);
// The same figures as Prometheus gauges (touchpoint_queue_*), for /metrics.
std::string queue_stats_metrics(const QueueStats& s);
std::string encode_service_report(std::vector<ServiceFigures> rows);
std::string service_report_csv(std::vector<ServiceFigures> rows);

}  // namespace touchpoint::protocol
