// The experience record's pure parts: service figures, the health rule, channel switches.
#include "protocol/experience.hpp"

#include <gtest/gtest.h>

namespace touchpoint::protocol {
namespace {

TEST(ServiceLived, MediansAndRepeatContactsWithinAWeekOfASolve) {
  std::vector<TicketLived> t = {
      {.created_at = 0, .first_response_at = 100, .solved_at = 1000, .open = false},
      {.created_at = 2000, .first_response_at = 2600, .solved_at = std::nullopt, .open = true},
      {.created_at = 1000 + 8 * 86400, .first_response_at = std::nullopt, .solved_at = std::nullopt,
       .open = true},
  };
  auto s = service_lived(t, 2, 1);
  EXPECT_EQ(s.tickets, 3);
  EXPECT_EQ(s.open_tickets, 2);
  EXPECT_EQ(s.first_reply_p50_seconds, 100);  // nearest rank of {100, 600}
  EXPECT_EQ(s.resolution_p50_seconds, 1000);
  EXPECT_EQ(s.repeat_contacts_7d, 1) << "the second came back within a week; the third after eight days";
  EXPECT_EQ(s.reopens, 2);
  EXPECT_EQ(s.sla_breaches, 1);
}

TEST(Health, StartsAt70AndEachFactorSaysWhy) {
  ServiceLived s;
  Feedback f;
  auto h = experience_health(s, f);
  EXPECT_EQ(h.score, 70);
  EXPECT_EQ(h.trend, "flat");
  EXPECT_TRUE(h.factors.empty());

  s.first_reply_p50_seconds = 600;
  f.answers = {{.at = 1, .ticket_id = 1, .kind = "nps", .score = 6, .comment = std::nullopt},
               {.at = 2, .ticket_id = 2, .kind = "nps", .score = 10, .comment = std::nullopt}};
  h = experience_health(s, f);
  EXPECT_EQ(h.score, 90);  // 70 + 10 fast + 10 promoter
  EXPECT_EQ(h.trend, "up");
  ASSERT_EQ(h.factors.size(), 2u);
  EXPECT_EQ(h.factors[0].name, "fast first replies");

  s.sla_breaches = 9;  // capped at -20
  s.reopens = 1;
  s.open_tickets = 1;
  f.answers = {{.at = 1, .ticket_id = 1, .kind = "csat", .score = 5, .comment = std::nullopt},
               {.at = 2, .ticket_id = 2, .kind = "csat", .score = 1, .comment = std::nullopt}};
  h = experience_health(s, f);
  EXPECT_EQ(h.trend, "down");
  EXPECT_EQ(h.score, 70 + 10 - 20 - 5 - 5 + 0);  // csat 0.5: neither satisfied nor dissatisfied
}

TEST(ChannelSwitches, MarkedWhereTheCustomerChangedChannel) {
  std::vector<JourneyItem> page = {  // newest first
      {.id = 4, .at = 4, .ticket_id = 2, .type = "contact", .channel = "email", .summary = "b"},
      {.id = 3, .at = 3, .ticket_id = 1, .type = "reply", .channel = "whatsapp", .summary = "r"},
      {.id = 2, .at = 2, .ticket_id = 1, .type = "contact", .channel = "whatsapp", .summary = "a"},
  };
  auto out = with_channel_switches(page, std::string("telegram"));
  ASSERT_EQ(out.size(), 5u);
  EXPECT_EQ(out[0].type, "channel_switch");
  EXPECT_EQ(out[0].summary, "whatsapp → email");
  EXPECT_EQ(out[3].type, "channel_switch");
  EXPECT_EQ(out[3].summary, "telegram → whatsapp");
  EXPECT_EQ(with_channel_switches(page, std::nullopt).size(), 4u);
}

}  // namespace
}  // namespace touchpoint::protocol
