// Surveys kept by the store: scheduled when a ticket is solved, skipped by a reopen or merge,
// decided when due by the contract's rules (each decision an event), sent through the outbox,
// answered in the conversation (score, "why?", thanks) or on the page, and reported.
#include <gtest/gtest.h>

#include "storage/ticket_reader.hpp"
#include "storage/ticket_store.hpp"
#include "temp_dir.hpp"

namespace touchpoint::storage {
namespace {

class SurveyStoreTest : public testing::Test {
 protected:
  void SetUp() override {
    auto s = TicketStore::open({.data_dir = dir_.str(), .now = [this] { return now_; }});
    ASSERT_TRUE(s) << s.error().message;
    store_.emplace(std::move(s).value());
    settings_.delay_seconds = 3600;
    settings_.cooldown_seconds = 30 * 86400;
    settings_.expires_seconds = 7 * 86400;
    settings_.public_url = "https://help.example";
    use(settings_);
    auto agent = store_->add_agent({"a@example.com", "Ada", "agent", "x"});
    ASSERT_TRUE(agent);
    agent_ = agent.value();
    auto r = TicketReader::open(dir_.str());
    ASSERT_TRUE(r);
    reader_.emplace(std::move(r).value());
    reader_->use_sla(nullptr, [this] { return now_; });
  }
  void use(std::optional<protocol::SurveySettings> settings) {
    store_->use_surveys(std::move(settings), [this](SurveyCommitted c) {
      for (auto& a : c.answered) answered_.push_back(a);
      if (c.earliest_due) earliest_.push_back(*c.earliest_due);
    });
  }
  Recorded inbound(const std::string& id, const std::string& thread, const std::string& text,
                   const std::string& channel_type = "api", const std::string& language = "") {
    InboundContact c;
    c.language = language;
    c.channel_type = channel_type;
    c.channel_name = channel_type == "api" ? "crm" : channel_type;
    c.external_id = id;
    c.thread_key = thread;
    c.from = {{"email", thread + "@example.com"}};
    c.text = text;
    auto r = store_->record_inbound(c);
    EXPECT_TRUE(r) << r.error().message;
    return r ? r.value() : Recorded{};
  }
  void set_status(int64_t ticket, const std::string& status) {
    TicketPatch p;
    p.status = status;
    auto r = store_->update_ticket(ticket, p, agent_, true);
    EXPECT_TRUE(r) << r.error().message;
  }
  void reply(int64_t ticket) {
    auto r = store_->add_agent_message(ticket, AgentMessage::text("Done.", false), agent_);
    EXPECT_TRUE(r) << r.error().message;
  }
  // A ticket the customer opened and an agent answered and solved.
  int64_t solved_ticket(const std::string& thread) {
    int64_t t = inbound(thread + "-1", thread, "my order is late").ticket_id;
    reply(t);
    set_status(t, "solved");
    return t;
  }
  void run_due() {
    auto r = store_->run_due_surveys(1000);
    EXPECT_TRUE(r) << r.error().message;
  }
  TicketView view(int64_t ticket) {
    auto v = reader_->ticket(ticket);
    EXPECT_TRUE(v) << v.error().message;
    return v ? v.value() : TicketView{};
  }
  std::string survey_json(int64_t ticket) { return view(ticket).ticket.survey; }
  std::vector<std::string> survey_events(int64_t ticket) {
    std::vector<std::string> out;
    for (auto& e : view(ticket).events)
      if (e.type.rfind("survey.", 0) == 0) out.push_back(e.type + " " + e.new_value.value_or(""));
    return out;
  }
  // The system's messages on the ticket (survey questions, follow-ups), in order.
  std::vector<MessageRow> system_messages(int64_t ticket) {
    std::vector<MessageRow> out;
    for (auto& m : view(ticket).messages)
      if (m.author == "system") out.push_back(m);
    return out;
  }
  std::vector<OutboundItem> outbox() {
    auto r = reader_->due_outbox(now_, 100);
    EXPECT_TRUE(r);
    return r ? r.value() : std::vector<OutboundItem>{};
  }
  std::string token_of(int64_t ticket) {
    for (auto& m : system_messages(ticket)) {
      auto at = m.body.find("/s/");
      if (at != std::string::npos) return m.body.substr(at + 3, 40);
    }
    return "";
  }

  testing_support::TempDir dir_;
  int64_t now_ = 1795341600;  // 2026-11-22 10:00 UTC
  protocol::SurveySettings settings_;
  std::optional<TicketStore> store_;
  std::optional<TicketReader> reader_;
  std::vector<SurveyNotice> answered_;
  std::vector<int64_t> earliest_;
  int64_t agent_ = 0;
};

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST_F(SurveyStoreTest, SolvingSchedulesOneSurveyDueAfterTheDelay) {
  int64_t t = solved_ticket("c1");
  ASSERT_EQ(earliest_.size(), 1u);
  EXPECT_EQ(earliest_[0], now_ + 3600);
  EXPECT_TRUE(contains(survey_json(t), "\"status\":\"scheduled\"")) << survey_json(t);
  now_ += 3599;
  run_due();
  EXPECT_TRUE(system_messages(t).empty()) << "not due yet";
  now_ += 1;
  run_due();
  auto sent = system_messages(t);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].direction, "out");
  EXPECT_FALSE(sent[0].internal);
  EXPECT_TRUE(contains(sent[0].body, "Reply with a number from 1")) << sent[0].body;
  EXPECT_TRUE(contains(*sent[0].send_options, "\"step\":\"question\"")) << *sent[0].send_options;
  EXPECT_TRUE(contains(survey_json(t), "\"status\":\"sent\"")) << survey_json(t);
  EXPECT_EQ(survey_events(t), std::vector<std::string>{"survey.sent api"});
  // Through the outbox, like a reply.
  auto due = outbox();
  ASSERT_EQ(due.size(), 2u);  // the agent's reply and the survey
  EXPECT_EQ(due[1].message_id, sent[0].id);
  // A survey message answers nobody: the ticket's first reply and status stay as they were.
  EXPECT_EQ(view(t).ticket.status, "solved");
  // Running again sends nothing twice.
  run_due();
  EXPECT_EQ(system_messages(t).size(), 1u);
}

TEST_F(SurveyStoreTest, TheSurveyAsksInTheCustomersLanguageWhenItIsBuiltIn) {
  // The channel stated Italian once, then nothing: the customer stays Italian.
  inbound("it-1", "it", "ciao", "api", "it-it");
  int64_t italian = inbound("it-2", "it", "il mio ordine").ticket_id;
  reply(italian);
  set_status(italian, "solved");
  int64_t german = inbound("de-1", "de", "hallo", "api", "de-de").ticket_id;  // not built in
  reply(german);
  set_status(german, "solved");
  now_ += 3600;
  run_due();
  ASSERT_EQ(system_messages(italian).size(), 1u);
  EXPECT_TRUE(contains(system_messages(italian)[0].body, "Rispondi con un numero da 1")) << system_messages(italian)[0].body;
  ASSERT_EQ(system_messages(german).size(), 1u);
  EXPECT_TRUE(contains(system_messages(german)[0].body, "Reply with a number from 1")) << "[survey] language";
  auto customer = reader_->customer(view(italian).ticket.customer_id);
  ASSERT_TRUE(customer);
  EXPECT_EQ(customer->language, "it-it");
}

TEST_F(SurveyStoreTest, AReopenOrMergeBeforeTheDelaySkipsIt) {
  int64_t t = solved_ticket("c2");
  inbound("c2-2", "c2", "actually it is still broken");  // reopens
  EXPECT_EQ(view(t).ticket.status, "open");
  EXPECT_EQ(survey_events(t), std::vector<std::string>{"survey.skipped reopened"});
  now_ += 7200;
  run_due();
  EXPECT_TRUE(system_messages(t).empty());
  EXPECT_TRUE(contains(survey_json(t), "\"reason\":\"reopened\"")) << survey_json(t);

  int64_t a = solved_ticket("c3");
  int64_t b = inbound("c3b-1", "c3b", "another thing").ticket_id;
  ASSERT_TRUE(store_->merge_tickets(a, b, agent_));
  EXPECT_EQ(survey_events(a), std::vector<std::string>{"survey.skipped merged"});
}

TEST_F(SurveyStoreTest, TheRulesDecideAndEachDecisionIsAnEvent) {
  // Cooldown across channels: a survey sent to this customer within 30 days.
  int64_t first = solved_ticket("c4");
  now_ += 3600;
  run_due();
  ASSERT_EQ(survey_events(first), std::vector<std::string>{"survey.sent api"});
  // The same customer on another channel (their email identity links them): Telegram.
  InboundContact c;
  c.channel_type = "telegram";
  c.channel_name = "tg";
  c.external_id = "c4-x";
  c.thread_key = "c4-second";
  c.from = {{"email", "c4@example.com"}};
  c.text = "a new question";
  auto r = store_->record_inbound(c);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->customer_id, view(first).ticket.customer_id);
  reply(r->ticket_id);
  set_status(r->ticket_id, "solved");
  now_ += 3600;
  run_due();
  EXPECT_EQ(survey_events(r->ticket_id), std::vector<std::string>{"survey.skipped cooldown"})
      << "one survey per customer within the cooldown, across channels";

  // Another ticket of theirs is open.
  int64_t solved = solved_ticket("c5");
  InboundContact open = c;
  open.external_id = "c5-open";
  open.thread_key = "c5-open";
  open.from = {{"email", "c5@example.com"}};
  ASSERT_TRUE(store_->record_inbound(open));
  now_ += 3600;
  run_due();
  EXPECT_EQ(survey_events(solved), std::vector<std::string>{"survey.skipped open_ticket"});
}

TEST_F(SurveyStoreTest, AConversationTakesTheScoreThenTheReasonAndNeverReopens) {
  int64_t t = solved_ticket("c6");
  now_ += 3600;
  run_due();
  now_ += 60;
  auto score = inbound("c6-2", "c6", "4/5");
  EXPECT_EQ(score.ticket_id, t);
  EXPECT_FALSE(score.ticket_reopened);
  EXPECT_EQ(view(t).ticket.status, "solved");
  ASSERT_EQ(answered_.size(), 1u);
  EXPECT_EQ(answered_[0].score, 4);
  auto msgs = system_messages(t);
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[1].body, "Thank you! What is the main reason for your score?");
  EXPECT_TRUE(contains(*msgs[1].send_options, "\"step\":\"reason\""));
  auto comment = inbound("c6-3", "c6", "Quick and kind.");
  EXPECT_EQ(comment.ticket_id, t);
  EXPECT_EQ(view(t).ticket.status, "solved");
  msgs = system_messages(t);
  ASSERT_EQ(msgs.size(), 3u);
  EXPECT_EQ(msgs[2].body, "Thank you for your feedback.");
  std::string json = survey_json(t);
  EXPECT_TRUE(contains(json, "\"status\":\"answered\"")) << json;
  EXPECT_TRUE(contains(json, "\"score\":4")) << json;
  EXPECT_TRUE(contains(json, "\"comment\":\"Quick and kind.\"")) << json;
  // Over: the next message is an ordinary contact again, and reopens the ticket.
  auto later = inbound("c6-4", "c6", "one more question");
  EXPECT_TRUE(later.ticket_reopened);
  // A retried delivery of the score is the same message, taken once.
  auto again = inbound("c6-2", "c6", "4/5");
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(answered_.size(), 1u);
}

TEST_F(SurveyStoreTest, AReplyThatIsNoScoreEndsTheSurveyAndIsAContact) {
  int64_t t = solved_ticket("c7");
  now_ += 3600;
  run_due();
  auto r = inbound("c7-2", "c7", "I still have not received the refund");
  EXPECT_TRUE(r.ticket_reopened);
  EXPECT_EQ(view(t).ticket.status, "open");
  EXPECT_EQ(system_messages(t).size(), 1u) << "no \"why?\"";
  EXPECT_TRUE(answered_.empty());
  EXPECT_TRUE(contains(survey_json(t), "\"status\":\"sent\""));
  // And a later "5" is a message, not a score.
  inbound("c7-3", "c7", "5");
  EXPECT_TRUE(answered_.empty());
}

TEST_F(SurveyStoreTest, ThePageRecordsAndReplacesUntilExpiry) {
  // Email: a mail with links, and no conversation.
  InboundContact c;
  c.channel_type = "email";
  c.channel_name = "support";
  c.external_id = "<m1@example.com>";
  c.from = {{"email", "eve@example.com"}};
  c.subject = "Invoice";
  c.text = "Where is my invoice?";
  c.email.emplace();
  c.email->sender = "eve@example.com";
  auto r = store_->record_inbound(c);
  ASSERT_TRUE(r) << r.error().message;
  int64_t t = r->ticket_id;
  reply(t);
  set_status(t, "solved");
  now_ += 3600;
  run_due();
  auto msgs = system_messages(t);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_TRUE(contains(msgs[0].body, "https://help.example/s/")) << msgs[0].body;
  EXPECT_TRUE(contains(msgs[0].body, "?score=5")) << msgs[0].body;
  std::string token = token_of(t);
  ASSERT_EQ(token.size(), 40u);

  EXPECT_EQ(store_->answer_survey(std::string(40, 'a'), 5, "").error().code, Errc::not_found);
  EXPECT_EQ(store_->answer_survey(token, 6, "").error().code, Errc::bad_request);
  EXPECT_EQ(store_->answer_survey(token, 0, "").error().code, Errc::bad_request);
  EXPECT_TRUE(contains(survey_json(t), "\"status\":\"sent\"")) << "nothing recorded";

  auto page = reader_->survey_page(token, now_);
  ASSERT_TRUE(page);
  EXPECT_FALSE(page->expired);
  EXPECT_FALSE(page->score);

  auto a = store_->answer_survey(token, 2, "slow");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_TRUE(a->first);
  auto b = store_->answer_survey(token, 5, "sorted after all");
  ASSERT_TRUE(b);
  EXPECT_FALSE(b->first);
  std::string json = survey_json(t);
  EXPECT_TRUE(contains(json, "\"score\":5")) << json;
  EXPECT_TRUE(contains(json, "\"comment\":\"sorted after all\"")) << json;
  EXPECT_EQ(survey_events(t), (std::vector<std::string>{"survey.sent email", "survey.answered 2",
                                                         "survey.changed 5"}));
  now_ += 7 * 86400;
  EXPECT_EQ(store_->answer_survey(token, 1, "").error().code, Errc::conflict);
  EXPECT_TRUE(reader_->survey_page(token, now_)->expired);
  EXPECT_TRUE(contains(survey_json(t), "\"score\":5"));
}

TEST_F(SurveyStoreTest, EveryCustomerMessageAutomaticOrNoEmailMeansNoSurvey) {
  InboundContact c;
  c.channel_type = "email";
  c.channel_name = "support";
  c.external_id = "<auto@example.com>";
  c.from = {{"email", "robot@example.com"}};
  c.text = "I am out of office";
  c.email.emplace();
  c.email->sender = "robot@example.com";
  c.email->automatic = "auto-submitted";
  auto r = store_->record_inbound(c);
  ASSERT_TRUE(r);
  set_status(r->ticket_id, "solved");
  now_ += 3600;
  run_due();
  EXPECT_EQ(survey_events(r->ticket_id), std::vector<std::string>{"survey.skipped automatic"});
}

TEST_F(SurveyStoreTest, WithoutSettingsNothingIsScheduledAndWhatWasIsSkipped) {
  int64_t t = solved_ticket("c8");
  use(std::nullopt);
  int64_t u = solved_ticket("c9");
  EXPECT_TRUE(survey_json(u).empty());
  now_ += 3600;
  run_due();
  EXPECT_EQ(survey_events(t), std::vector<std::string>{"survey.skipped disabled"});
}

TEST_F(SurveyStoreTest, SatisfactionReportCountsSentAndAnswered) {
  for (int i = 0; i < 4; ++i) solved_ticket("r" + std::to_string(i));
  now_ += 3600;
  run_due();
  // Scores 5, 4, 2; the fourth never answers.
  const int scores[] = {5, 4, 2};
  for (int i = 0; i < 3; ++i) inbound("r" + std::to_string(i) + "-s", "r" + std::to_string(i), std::to_string(scores[i]));
  auto rows = reader_->satisfaction({now_ / 86400, now_ / 86400, "channel"});
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);
  const auto& row = rows->front();
  EXPECT_EQ(row.key, "api");
  EXPECT_EQ(row.kind, "csat");
  EXPECT_EQ(row.sent, 4);
  EXPECT_EQ(row.responses, 3);
  EXPECT_EQ(row.satisfied, 2);
  std::string json = protocol::encode_satisfaction(*rows);
  EXPECT_TRUE(contains(json, "\"response_rate\":0.75")) << json;
  EXPECT_TRUE(contains(json, "\"csat\":0.6667")) << json;
  EXPECT_TRUE(contains(json, "\"nps\":null")) << json;
  auto by_agent = reader_->satisfaction({now_ / 86400, now_ / 86400, "agent"});
  ASSERT_TRUE(by_agent);
  ASSERT_EQ(by_agent->size(), 1u);
  EXPECT_EQ(by_agent->front().sent, 4);
}

}  // namespace
}  // namespace touchpoint::storage
