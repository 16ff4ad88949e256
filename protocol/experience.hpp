#pragma once
// The experience record (the contract's "Experience record"): a customer's whole journey
// across channels, the service they lived, what they said about it, and a health score that
// sums it up. What the store reads back, the health rule (documented in docs/experience.md),
// and the JSON. Pure.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "protocol/views.hpp"

namespace touchpoint::protocol {

struct JourneyItem {
  int64_t id = 0, at = 0, ticket_id = 0;
  std::string type;  // contact | channel_switch | reply | status_change | sla_breach | survey_sent | survey_answered
  std::string channel, summary;
};

struct ChannelUse {
  std::string type;
  int64_t contacts = 0, first_at = 0, last_at = 0;
};

// One of the customer's tickets, as the service figures need it.
struct TicketLived {
  int64_t created_at = 0;
  std::optional<int64_t> first_response_at, solved_at;
  bool open = false;  // every status but solved and closed
};

struct ServiceLived {
  int64_t tickets = 0, open_tickets = 0, reopens = 0, sla_breaches = 0, repeat_contacts_7d = 0;
  std::optional<int64_t> first_reply_p50_seconds, resolution_p50_seconds;
};
// Tickets, first-reply and resolution medians (nearest rank), and repeat contacts: tickets
// opened within 7 days after another of the customer's tickets was solved.
ServiceLived service_lived(std::vector<TicketLived> tickets, int64_t reopens, int64_t sla_breaches);

struct SurveyAnswerLived {
  int64_t at = 0, ticket_id = 0;
  std::string kind;
  int score = 0;
  std::optional<std::string> comment;
};

struct Feedback {
  int64_t surveys_sent = 0;
  std::vector<SurveyAnswerLived> answers;  // oldest first
};

struct HealthFactor {
  std::string name;
  int effect = 0;
};
struct Health {
  int score = 0;
  std::string trend;  // up | down | flat
  std::vector<HealthFactor> factors;
};
// The documented rule: 70, plus or minus each factor that applies, clamped to 0..100.
Health experience_health(const ServiceLived& service, const Feedback& feedback);

struct ExperienceRecord {
  std::string customer_json;  // the customer as GET /api/v1/customers/{id} shows them
  std::vector<ChannelUse> channels;
  ServiceLived service;
  Feedback feedback;
  std::vector<JourneyItem> journey;  // newest first, channel switches included
  std::optional<int64_t> next_before;  // more journey below this id
};
std::string encode_experience(const ExperienceRecord& r);

// Marks the contacts where the customer changed channel with a channel_switch item just above
// them (same moment, same id; summary "whatsapp → email"): journey is newest first;
// previous_contact_channel is the channel of the contact just before the page's oldest, if any.
std::vector<JourneyItem> with_channel_switches(const std::vector<JourneyItem>& journey,
                                               std::optional<std::string> previous_contact_channel);

}  // namespace touchpoint::protocol
