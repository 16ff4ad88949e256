// The experience record: the journey kept by triggers in the write transaction, its channels
// and channel switches, the service figures, the feedback, and a customer merge that shows one
// record and an unmerge that splits it back exactly.
#include <gtest/gtest.h>

#include <algorithm>

#include "storage/ticket_reader.hpp"
#include "storage/ticket_store.hpp"
#include "temp_dir.hpp"

namespace touchpoint::storage {
namespace {

class ExperienceTest : public testing::Test {
 protected:
  void SetUp() override {
    auto s = TicketStore::open({.data_dir = dir_.str(), .now = [this] { return now_; }});
    ASSERT_TRUE(s) << s.error().message;
    store_.emplace(std::move(s).value());
    protocol::SurveySettings settings;
    settings.delay_seconds = 60;
    settings.public_url = "https://help.example";
    store_->use_surveys(settings, nullptr);
    agent_ = store_->add_agent({"a@example.com", "Ada", "agent", "x"}).value();
    reader_.emplace(TicketReader::open(dir_.str()).value());
    reader_->use_sla(nullptr, [this] { return now_; });
  }
  Recorded contact(const std::string& channel_type, const std::string& id, const std::string& who,
                   const std::string& thread, const std::string& text = "hello") {
    InboundContact c;
    c.channel_type = channel_type;
    c.channel_name = channel_type + "-main";
    c.external_id = id;
    c.thread_key = thread;
    c.from = {{"phone", who}};
    c.text = text;
    auto r = store_->record_inbound(c);
    EXPECT_TRUE(r) << r.error().message;
    return r ? r.value() : Recorded{};
  }
  void reply(int64_t ticket) {
    ASSERT_TRUE(store_->add_agent_message(ticket, AgentMessage::text("On it.", false), agent_));
  }
  void note(int64_t ticket) {
    ASSERT_TRUE(store_->add_agent_message(ticket, AgentMessage::text("internal", true), agent_));
  }
  void status(int64_t ticket, const std::string& s) {
    TicketPatch p;
    p.status = s;
    ASSERT_TRUE(store_->update_ticket(ticket, p, agent_, true));
  }
  Experience record(int64_t customer, JourneyQuery q = {}) {
    auto e = reader_->experience(customer, q);
    EXPECT_TRUE(e) << e.error().message;
    return e ? e.value() : Experience{};
  }
  // The journey recomputed by brute force from the customer's tickets as the API shows them,
  // by the documented rules: (type, channel, ticket, at), sorted.
  std::vector<std::string> brute_force(int64_t customer) {
    TicketFilter f;
    f.statuses = {"new", "open", "pending", "on_hold", "solved", "closed"};
    f.customer_id = customer;
    f.limit = 100;
    std::vector<std::string> out;
    auto tickets = reader_->list(f).value();
    for (const auto& t : tickets) {
      auto v = reader_->ticket(t.id).value();
      for (const auto& m : v.messages) {
        if (m.internal || m.automatic) continue;
        if (m.direction == "in") out.push_back("contact " + m.channel_type);
        else if (m.author == "agent") out.push_back("reply " + m.channel_type);
        else continue;
        out.back() += " " + std::to_string(t.id) + " " + std::to_string(m.created_at);
      }
      for (const auto& e : v.events) {
        std::string type = e.type == "ticket.status_changed" ? "status_change"
                           : e.type == "sla.breached"       ? "sla_breach"
                           : e.type == "survey.sent"        ? "survey_sent"
                           : e.type == "survey.answered"    ? "survey_answered"
                                                            : "";
        if (!type.empty())
          out.push_back(type + " " + t.channel_type + " " + std::to_string(t.id) + " " + std::to_string(e.created_at));
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  std::vector<std::string> kept(int64_t customer) {
    std::vector<std::string> out;
    for (const auto& j : record(customer, {.limit = 100}).record.journey)
      if (j.type != "channel_switch")
        out.push_back(j.type + " " + j.channel + " " + std::to_string(j.ticket_id) + " " + std::to_string(j.at));
    std::sort(out.begin(), out.end());
    return out;
  }

  static std::string channels(const Experience& e) {
    std::string out;
    for (const auto& c : e.record.channels)
      out += (out.empty() ? "" : " ") + c.type + ":" + std::to_string(c.contacts) + ":" +
             std::to_string(c.first_at) + "-" + std::to_string(c.last_at);
    return out;
  }
  static std::vector<std::string> types(const Experience& e) {
    std::vector<std::string> out;
    for (const auto& j : e.record.journey) out.push_back(j.type + ":" + j.channel);
    return out;
  }

  testing_support::TempDir dir_;
  int64_t now_ = 1795341600;
  std::optional<TicketStore> store_;
  std::optional<TicketReader> reader_;
  int64_t agent_ = 0;
};

TEST_F(ExperienceTest, TheJourneyHoldsEveryTouchpointNewestFirstWithChannelSwitches) {
  auto a = contact("whatsapp", "w1", "+39111", "+39111", "my order is late");
  now_ += 300;
  reply(a.ticket_id);
  note(a.ticket_id);  // internal: not part of the customer's journey
  now_ += 3600;
  status(a.ticket_id, "solved");
  now_ += 60;
  ASSERT_TRUE(store_->run_due_surveys(100));
  now_ += 60;
  contact("whatsapp", "w2", "+39111", "+39111", "5");  // the survey's score: no contact
  now_ += 86400;
  contact("telegram", "t1", "+39111", "tg-9", "now on telegram");
  auto e = record(a.customer_id);
  EXPECT_EQ(types(e), (std::vector<std::string>{
                          "channel_switch:telegram", "contact:telegram", "survey_answered:whatsapp",
                          "survey_sent:whatsapp", "status_change:whatsapp", "status_change:whatsapp",
                          "reply:whatsapp", "contact:whatsapp"}));
  EXPECT_EQ(e.record.journey.front().summary, "whatsapp → telegram");
  EXPECT_EQ(kept(a.customer_id), brute_force(a.customer_id));
  EXPECT_EQ(e.record.journey[2].summary, "score 5");
  ASSERT_EQ(e.record.channels.size(), 2u);
  EXPECT_EQ(e.record.channels[0].type, "whatsapp");
  EXPECT_EQ(e.record.channels[0].contacts, 1);
  EXPECT_EQ(e.record.channels[1].type, "telegram");
  const auto& s = e.record.service;
  EXPECT_EQ(s.tickets, 2);
  EXPECT_EQ(s.open_tickets, 1);
  EXPECT_EQ(s.first_reply_p50_seconds, 300);
  EXPECT_EQ(s.repeat_contacts_7d, 1);  // back two days after a solve... within a week
  EXPECT_EQ(e.record.feedback.surveys_sent, 1);
  ASSERT_EQ(e.record.feedback.answers.size(), 1u);
  EXPECT_EQ(e.record.feedback.answers[0].score, 5);

  // Paging: two at a time, the switch computed across the page boundary too.
  auto p1 = record(a.customer_id, {.limit = 2});
  ASSERT_TRUE(p1.record.next_before);
  EXPECT_EQ(types(p1), (std::vector<std::string>{"channel_switch:telegram", "contact:telegram",
                                                 "survey_answered:whatsapp"}));
  auto p2 = record(a.customer_id, {.limit = 10, .before = p1.record.next_before});
  EXPECT_EQ(p2.record.journey.size(), 5u);
  EXPECT_FALSE(p2.record.next_before);
}

TEST_F(ExperienceTest, AMergeShowsOneRecordAndAnUnmergeSplitsItBackExactly) {
  auto a = contact("whatsapp", "w1", "+39111", "+39111");
  reply(a.ticket_id);
  now_ += 60;
  auto b = contact("telegram", "t1", "+39222", "tg-2");
  now_ += 60;
  contact("telegram", "t2", "+39222", "tg-2", "still there?");
  status(b.ticket_id, "solved");
  status(b.ticket_id, "open");  // a reopen
  auto before_a = record(a.customer_id);
  auto before_b = record(b.customer_id);
  EXPECT_EQ(before_b.record.service.reopens, 1);

  EXPECT_EQ(kept(a.customer_id), brute_force(a.customer_id));
  EXPECT_EQ(kept(b.customer_id), brute_force(b.customer_id));
  ASSERT_TRUE(store_->merge_customers(b.customer_id, a.customer_id, agent_));
  EXPECT_EQ(kept(a.customer_id), brute_force(a.customer_id)) << "after the merge";
  auto merged = record(a.customer_id);
  EXPECT_EQ(merged.record.journey.size(), before_a.record.journey.size() + before_b.record.journey.size() + 1)
      << "both journeys, and the switch between them";
  EXPECT_EQ(merged.record.service.tickets, 2);
  EXPECT_EQ(merged.record.service.reopens, 1);
  EXPECT_EQ(merged.record.channels.size(), 2u);
  EXPECT_EQ(channels(merged), channels(before_a) + " " + channels(before_b))
      << "the contacts of both, each channel's count, first and last, oldest channel first";
  auto via_source = record(b.customer_id);
  EXPECT_EQ(via_source.customer.id, a.customer_id) << "the merged customer shows the one record";

  ASSERT_TRUE(store_->unmerge_customer(b.customer_id, agent_));
  EXPECT_EQ(kept(a.customer_id), brute_force(a.customer_id)) << "after the unmerge";
  EXPECT_EQ(kept(b.customer_id), brute_force(b.customer_id)) << "after the unmerge";
  auto after_a = record(a.customer_id);
  auto after_b = record(b.customer_id);
  EXPECT_EQ(types(after_a), types(before_a));
  EXPECT_EQ(types(after_b), types(before_b));
  EXPECT_EQ(after_b.record.service.reopens, 1);
  EXPECT_EQ(after_a.record.service.tickets, 1);
  EXPECT_EQ(channels(after_a), channels(before_a)) << "each side's contacts are counted back exactly";
  EXPECT_EQ(channels(after_b), channels(before_b));
}

TEST_F(ExperienceTest, AnUnknownCustomerIsNotFound) {
  auto e = reader_->experience(999, {});
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, Errc::not_found);
}

}  // namespace
}  // namespace touchpoint::storage
