// Automatic assignment in the store: in the transaction that records the ticket, to an
// available member of its group under the limit, in turn or least busy; otherwise it waits and
// the oldest waiting goes first when someone becomes available or a slot frees.
#include <gtest/gtest.h>

#include <set>

#include "storage/ticket_reader.hpp"
#include "storage/ticket_store.hpp"
#include "temp_dir.hpp"

namespace touchpoint::storage {
namespace {

class RoutingStoreTest : public testing::Test {
 protected:
  void SetUp() override {
    auto s = TicketStore::open({.data_dir = dir_.str(), .now = [this] { return now_; }});
    ASSERT_TRUE(s) << s.error().message;
    store_.emplace(std::move(s).value());
    for (const char* name : {"ann", "bob", "cat"})
      agents_.push_back(store_->add_agent({std::string(name) + "@example.com", name, "agent", "x"}).value());
    supervisor_ = store_->add_agent({"sup@example.com", "Sup", "supervisor", "x"}).value();
    reader_.emplace(TicketReader::open(dir_.str()).value());
  }
  void route(protocol::RoutingMode mode, int64_t max_open) {
    store_->use_routing({mode, max_open}, [this] { return std::vector<int64_t>(online_.begin(), online_.end()); },
                        [this](std::vector<int64_t> t) { assigned_.insert(assigned_.end(), t.begin(), t.end()); });
  }
  int64_t ticket(const std::string& id) {
    InboundContact c;
    c.channel_type = "api";
    c.channel_name = "crm";
    c.external_id = id;
    c.thread_key = id;
    c.from = {{"email", id + "@example.com"}};
    c.text = "help";
    now_ += 1;
    auto r = store_->record_inbound(c);
    EXPECT_TRUE(r) << r.error().message;
    return r ? r->ticket_id : 0;
  }
  std::optional<int64_t> assignee(int64_t ticket) {
    auto v = reader_->ticket(ticket);
    EXPECT_TRUE(v);
    return v ? v->ticket.assignee_id : std::nullopt;
  }
  void solve(int64_t ticket) {
    TicketPatch p;
    p.status = "solved";
    ASSERT_TRUE(store_->update_ticket(ticket, p, supervisor_, true));
  }
  void group(int64_t ticket, int64_t g) {
    TicketPatch p;
    p.group = g;
    ASSERT_TRUE(store_->update_ticket(ticket, p, supervisor_, true));
  }

  testing_support::TempDir dir_;
  int64_t now_ = 1795341600;
  std::optional<TicketStore> store_;
  std::optional<TicketReader> reader_;
  std::vector<int64_t> agents_;
  int64_t supervisor_ = 0;
  std::set<int64_t> online_;
  std::vector<int64_t> assigned_;
};

TEST_F(RoutingStoreTest, RoundRobinTakesTurnsFairlyAcrossThreeAgents) {
  route(protocol::RoutingMode::round_robin, 100);
  online_ = {agents_[0], agents_[1], agents_[2]};
  std::map<int64_t, int> got;
  std::vector<int64_t> order;
  for (int i = 0; i < 9; ++i) {
    int64_t t = ticket("rr" + std::to_string(i));
    auto a = assignee(t);
    ASSERT_TRUE(a) << "assigned in the transaction that recorded it";
    order.push_back(*a);
    ++got[*a];
  }
  EXPECT_EQ(std::vector<int64_t>(order.begin(), order.begin() + 3), agents_);
  for (int64_t a : agents_) EXPECT_EQ(got[a], 3);
  EXPECT_EQ(assigned_.size(), 9u);
  auto v = reader_->ticket(1).value();
  bool system_event = false;
  for (const auto& e : v.events)
    if (e.type == "ticket.assignee_changed" && e.actor_type == "system") system_event = true;
  EXPECT_TRUE(system_event);
}

TEST_F(RoutingStoreTest, LeastBusyUnderTheLimitAndTheOldestWaitingFirst) {
  route(protocol::RoutingMode::least_busy, 2);
  online_ = {agents_[0]};
  int64_t t1 = ticket("a"), t2 = ticket("b");
  EXPECT_EQ(assignee(t1), agents_[0]);
  EXPECT_EQ(assignee(t2), agents_[0]);
  int64_t t3 = ticket("c"), t4 = ticket("d");
  EXPECT_FALSE(assignee(t3)) << "ann is full: it waits";
  EXPECT_FALSE(assignee(t4));
  // Nobody else online: a solve frees a slot, and the oldest waiting takes it.
  solve(t1);
  EXPECT_EQ(assignee(t3), agents_[0]);
  EXPECT_FALSE(assignee(t4));
  // Bob comes online: the rest goes to him.
  online_.insert(agents_[1]);
  ASSERT_EQ(store_->assign_waiting().value(), 1);
  EXPECT_EQ(assignee(t4), agents_[1]);
  // Least busy: bob has 1, ann 2.
  EXPECT_EQ(assignee(ticket("e")), agents_[1]);
  // An agent going away (not available) stops receiving.
  online_ = {agents_[1]};
  EXPECT_FALSE(assignee(ticket("f"))) << "bob is full, ann away";
}

TEST_F(RoutingStoreTest, NobodyOnlineWaitsThenTheOldestIsAssignedOnConnect) {
  route(protocol::RoutingMode::least_busy, 5);
  int64_t a = ticket("x1"), b = ticket("x2");
  EXPECT_FALSE(assignee(a));
  online_ = {agents_[2]};
  ASSERT_EQ(store_->assign_waiting().value(), 2);
  EXPECT_EQ(assignee(a), agents_[2]);
  EXPECT_EQ(assignee(b), agents_[2]);
}

TEST_F(RoutingStoreTest, AGroupsMembersOnlyAndTwoTicketsRacingForTheLastSlot) {
  route(protocol::RoutingMode::least_busy, 1);
  int64_t g = store_->add_group("billing").value();
  ASSERT_TRUE(store_->set_group_members(g, {agents_[1]}));
  EXPECT_EQ(store_->set_group_members(g, {999}).error().code, Errc::unprocessable);
  online_ = {agents_[0], agents_[1]};
  // Unassigned while nobody is online... then ann takes the ungrouped one.
  int64_t t = ticket("g1");
  EXPECT_EQ(assignee(t), agents_[0]);
  // Two tickets in one group commit race for bob's one slot: one gets it, the other waits.
  std::optional<int64_t> first, second;
  online_ = {};
  int64_t u = ticket("g2"), w = ticket("g3");
  group(u, g);
  group(w, g);
  online_ = {agents_[1]};
  auto s = store_->batch([&] {
    first = store_->assign_waiting().value();
  });
  ASSERT_TRUE(s);
  EXPECT_EQ(*first, 1);
  EXPECT_EQ(assignee(u), agents_[1]) << "the older one";
  EXPECT_FALSE(assignee(w));
}

}  // namespace
}  // namespace touchpoint::storage
