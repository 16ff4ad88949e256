#pragma once
#include <string>

namespace touchpoint::bench {

struct SurveyBenchOptions {
  std::string data_dir;  // scratch: a fresh store
  long tickets = 100000;
};

// Straight through TicketStore, as the writer runs it: solves TICKETS answered tickets (each
// schedules its survey in the same transaction), then decides and queues every survey
// (run_due_surveys in groups of 1,000, as the timer does), then takes a score and a comment for
// each in the conversation; prints the rate of each step.
int run_survey_bench(const SurveyBenchOptions& o);

}  // namespace touchpoint::bench
