// touchpoint_bench: the measuring half of scripts/bench. See scripts/bench for the whole runs.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "bench/api_bench.hpp"
#include "bench/baseline_server.hpp"
#include "bench/load_generator.hpp"
#include "bench/experience_bench.hpp"
#include "bench/queue_bench.hpp"
#include "bench/sla_bench.hpp"
#include "bench/survey_bench.hpp"
#include "bench/smtp_load.hpp"

using namespace touchpoint::bench;

namespace {
const char* arg(int argc, char** argv, const char* name, const char* fallback) {
  for (int i = 2; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  return fallback;
}
}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "load") {
    LoadOptions o;
    o.port = static_cast<unsigned short>(std::atoi(arg(argc, argv, "--port", "8080")));
    o.messages = std::atol(arg(argc, argv, "--messages", "100000"));
    o.connections = std::atoi(arg(argc, argv, "--connections", "64"));
    o.rate = std::atof(arg(argc, argv, "--rate", "0"));
    o.run_id = arg(argc, argv, "--run-id", "r");
    o.kind = arg(argc, argv, "--kind", "api");
    o.batch = std::atoi(arg(argc, argv, "--batch", "1"));
    o.channel = arg(argc, argv, "--channel", o.kind == "whatsapp" ? "wa" : "bench");
    o.customers = std::atol(arg(argc, argv, "--customers", "1000"));
    o.threads = std::atol(arg(argc, argv, "--threads", "5000"));
    o.seconds = std::atof(arg(argc, argv, "--seconds", "0"));
    return run_load(o);
  }
  if (mode == "baseline" || mode == "baseline-seed") {
    BaselineOptions o;
    o.data_dir = arg(argc, argv, "--data", "bench-data/baseline");
    o.seed_from = arg(argc, argv, "--seed-from", "");
    o.port = static_cast<unsigned short>(std::atoi(arg(argc, argv, "--port", "0")));
    o.seed_rows = std::atol(arg(argc, argv, "--rows", "1000000"));
    return mode == "baseline" ? run_baseline_server(o) : seed_baseline(o);
  }
  if (mode == "smtp") {
    SmtpLoadOptions o;
    o.port = static_cast<unsigned short>(std::atoi(arg(argc, argv, "--port", "2525")));
    o.messages = std::atol(arg(argc, argv, "--messages", "20000"));
    o.connections = std::atoi(arg(argc, argv, "--connections", "16"));
    o.message_bytes = static_cast<std::size_t>(std::atol(arg(argc, argv, "--bytes", "20480")));
    o.to = arg(argc, argv, "--to", "support@bench.test");
    o.run_id = arg(argc, argv, "--run-id", "r");
    return run_smtp_load(o);
  }
  if (mode == "queue") {
    QueueOptions o;
    o.data_dir = arg(argc, argv, "--data", "bench-data/queue");
    o.tickets = std::atol(arg(argc, argv, "--tickets", "1000000"));
    o.samples = std::atoi(arg(argc, argv, "--samples", "2000"));
    return run_queue(o);
  }
  if (mode == "experience") {
    ExperienceOptions o;
    o.data_dir = arg(argc, argv, "--data", "bench-data/experience");
    o.customers = std::atol(arg(argc, argv, "--customers", "1000000"));
    o.loyal_contacts = std::atoi(arg(argc, argv, "--contacts", "1000"));
    o.samples = std::atoi(arg(argc, argv, "--samples", "2000"));
    return run_experience(o);
  }
  if (mode == "sla") {
    SlaBenchOptions o;
    o.data_dir = arg(argc, argv, "--data", "");
    o.tickets = std::atol(arg(argc, argv, "--tickets", "1000000"));
    o.samples = std::atoi(arg(argc, argv, "--samples", "1000"));
    if (o.data_dir.empty()) {
      std::fprintf(stderr, "sla: --data DIR (a scratch directory) is required\n");
      return 2;
    }
    return run_sla_bench(o);
  }
  if (mode == "survey") {
    SurveyBenchOptions o;
    o.data_dir = arg(argc, argv, "--data", "");
    o.tickets = std::atol(arg(argc, argv, "--tickets", "100000"));
    if (o.data_dir.empty()) {
      std::fprintf(stderr, "survey: --data DIR (a scratch directory) is required\n");
      return 2;
    }
    return run_survey_bench(o);
  }
  if (mode == "api") {
    ApiOptions o;
    o.data_dir = arg(argc, argv, "--data", "bench-data/queue-1000000");
    o.tickets = std::atol(arg(argc, argv, "--tickets", "1000000"));
    o.samples = std::atoi(arg(argc, argv, "--samples", "500"));
    return run_api(o);
  }
  std::fprintf(stderr,
               "usage: touchpoint_bench load [--port P] [--messages N] [--connections C] "
               "[--rate R] [--run-id ID]\n"
               "                       [--kind api|whatsapp] [--batch B] [--channel NAME]\n"
               "                       [--customers N] [--threads N] [--seconds S]\n"
               "       touchpoint_bench baseline-seed [--data DIR] [--rows N]\n"
               "       touchpoint_bench baseline [--data DIR] [--seed-from DB] [--port P]\n"
               "       touchpoint_bench smtp [--port P] [--messages N] [--connections C] [--bytes B]\n"
               "       touchpoint_bench queue [--data DIR] [--tickets N] [--samples S]\n"
               "       touchpoint_bench api [--data DIR] [--tickets N] [--samples S]\n"
               "       touchpoint_bench survey --data DIR [--tickets N]\n"
               "       touchpoint_bench sla --data DIR [--tickets N] [--samples S]\n"
               "       touchpoint_bench experience [--data DIR] [--customers N] [--contacts N] [--samples S]\n");
  return 2;
}
