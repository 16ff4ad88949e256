#include "protocol/routing.hpp"

#include <gtest/gtest.h>

namespace touchpoint::protocol {
namespace {

TEST(ChooseAgent, RoundRobinWrapsAndSkipsTheFull) {
  RoutingSettings rr{RoutingMode::round_robin, 2};
  std::vector<RoutingCandidate> c = {{3, 0}, {1, 0}, {2, 0}};
  EXPECT_EQ(choose_agent(rr, c, std::nullopt), 1);
  EXPECT_EQ(choose_agent(rr, c, 1), 2);
  EXPECT_EQ(choose_agent(rr, c, 3), 1);
  c[2].open = 2;  // agent 2 is full
  EXPECT_EQ(choose_agent(rr, c, 1), 3);
  EXPECT_EQ(choose_agent({RoutingMode::manual, 2}, c, 1), std::nullopt);
  EXPECT_EQ(choose_agent(rr, {{1, 2}, {2, 5}}, std::nullopt), std::nullopt);
  EXPECT_EQ(choose_agent(rr, {}, std::nullopt), std::nullopt);
}

TEST(ChooseAgent, LeastBusyAndEqualsTakeTurns) {
  RoutingSettings lb{RoutingMode::least_busy, 10};
  EXPECT_EQ(choose_agent(lb, {{1, 4}, {2, 1}, {3, 2}}, std::nullopt), 2);
  EXPECT_EQ(choose_agent(lb, {{1, 1}, {2, 1}, {3, 1}}, 1), 2);
  EXPECT_EQ(choose_agent(lb, {{1, 1}, {2, 1}, {3, 1}}, 3), 1);
}

TEST(RoutingParse, PresenceAndMembers) {
  EXPECT_EQ(parse_presence(R"({"status":"away"})").value(), true);
  EXPECT_EQ(parse_presence(R"({"status":"online"})").value(), false);
  EXPECT_EQ(parse_presence(R"({"status":"busy"})").error().code, Errc::unprocessable);
  EXPECT_EQ(parse_presence(R"({"state":"away"})").error().code, Errc::bad_request);
  EXPECT_EQ(parse_group_members(R"({"agents":[3,1,3]})").value(), (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(parse_group_members(R"({"agents":[0]})").error().code, Errc::bad_request);
  EXPECT_EQ(parse_group_members(R"({"agents":"1"})").error().code, Errc::bad_request);
  EXPECT_EQ(routing_mode("least_busy"), RoutingMode::least_busy);
  EXPECT_EQ(routing_mode("random"), std::nullopt);
}

}  // namespace
}  // namespace touchpoint::protocol
