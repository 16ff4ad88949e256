// What the store does with messaging webhooks: whole deliveries in one transaction, receipts
// that move delivery_status only forward (even when they overtake the send's own commit), and
// the providers' reply rules checked with the store's clock.
#include <gtest/gtest.h>

#include "storage/ticket_reader.hpp"
#include "storage/ticket_store.hpp"
#include "temp_dir.hpp"

namespace touchpoint::storage {
namespace {

InboundContact whatsapp(std::string id, std::string text = "ciao") {
  InboundContact c;
  c.channel_type = "whatsapp";
  c.channel_name = "wa";
  c.external_id = std::move(id);
  c.thread_key = "393331234567";
  c.from = {{"whatsapp", "+393331234567"}, {"phone", "+393331234567"}};
  c.text = std::move(text);
  c.subject = "ciao";
  return c;
}

class MessagingStoreTest : public testing::Test {
 protected:
  void SetUp() override {
    store_.emplace(TicketStore::open({.data_dir = dir_.str(), .now = [this] { return now_; }}).value());
    agent_ = store_->add_agent({"a@example.com", "A", "agent", "x"}).value();
  }
  std::optional<std::string> status_of(int64_t ticket, int64_t message) {
    auto v = TicketReader::open(dir_.str()).value().ticket(ticket);
    for (auto& m : v->messages)
      if (m.id == message) return m.delivery_status;
    return std::nullopt;
  }
  // A reply the provider accepted under provider_id.
  int64_t sent_reply(int64_t ticket, const std::string& provider_id) {
    int64_t id = store_->add_agent_message(ticket, AgentMessage::text("hello", false), agent_).value().message_id;
    auto due = TicketReader::open(dir_.str()).value().due_outbox(now_, 10).value();
    for (auto& item : due)
      if (item.message_id == id) {
        EXPECT_TRUE(store_->record_delivery(item.outbox_id, {DeliveryKind::sent, provider_id, ""}, now_));
      }
    return id;
  }

  testing_support::TempDir dir_;
  int64_t now_ = 1795341600;
  std::optional<TicketStore> store_;
  int64_t agent_ = 0;
};

TEST_F(MessagingStoreTest, ABatchIsStoredWholeAndARetryOfItIsAllDuplicates) {
  WebhookBatch b;
  b.contacts = {whatsapp("w1"), whatsapp("w2"), whatsapp("w3")};
  auto first = store_->record_webhook("wa", b).value();
  ASSERT_EQ(first.contacts.size(), 3u);
  EXPECT_TRUE(first.contacts[0].ticket_created);
  EXPECT_EQ(first.contacts[2].ticket_id, first.contacts[0].ticket_id);
  auto again = store_->record_webhook("wa", b).value();
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(again.contacts[i].duplicate);
    EXPECT_EQ(again.contacts[i].message_id, first.contacts[i].message_id);
  }
}

TEST_F(MessagingStoreTest, ReceiptsMoveForwardOnlyAndAreReported) {
  auto in = store_->record_inbound(whatsapp("w1")).value();
  int64_t m = sent_reply(in.ticket_id, "wamid.OUT");
  WebhookBatch b;
  b.receipts = {{"wamid.OUT", "delivered", ""}, {"wamid.OUT", "sent", ""}, {"wamid.other", "read", ""}};
  auto r = store_->record_webhook("wa", b).value();
  ASSERT_EQ(r.deliveries.size(), 1u);
  EXPECT_EQ(r.deliveries[0].message_id, m);
  EXPECT_EQ(status_of(in.ticket_id, m), "delivered");
  // The same provider id on another channel account is another message.
  WebhookBatch other;
  other.receipts = {{"wamid.OUT", "read", ""}};
  EXPECT_TRUE(store_->record_webhook("wa2", other).value().deliveries.empty());
  EXPECT_EQ(status_of(in.ticket_id, m), "delivered");
}

TEST_F(MessagingStoreTest, AReceiptThatOvertakesTheSendsCommitIsAppliedWhenTheIdIsRecorded) {
  auto in = store_->record_inbound(whatsapp("w1")).value();
  WebhookBatch early;
  early.receipts = {{"wamid.FAST", "read", ""}, {"wamid.FAST", "delivered", ""}};
  EXPECT_TRUE(store_->record_webhook("wa", early).value().deliveries.empty());
  int64_t m = sent_reply(in.ticket_id, "wamid.FAST");
  EXPECT_EQ(status_of(in.ticket_id, m), "read");
}

TEST_F(MessagingStoreTest, AReadWatermarkMarksWhatWeSentOnThatThreadUpToThatTime) {
  auto in = store_->record_inbound(whatsapp("w1")).value();
  int64_t before = sent_reply(in.ticket_id, "m1");
  now_ += 100;
  int64_t after = sent_reply(in.ticket_id, "m2");
  WebhookBatch b;
  b.reads = {{"393331234567", now_ - 50}};
  EXPECT_EQ(store_->record_webhook("wa", b).value().deliveries.size(), 1u);
  EXPECT_EQ(status_of(in.ticket_id, before), "read");
  EXPECT_EQ(status_of(in.ticket_id, after), "sent");
}

TEST_F(MessagingStoreTest, WhatsAppRepliesNeedACustomerMessageInTheLastDay) {
  auto in = store_->record_inbound(whatsapp("w1")).value();
  now_ += 23 * 3600;
  EXPECT_TRUE(store_->add_agent_message(in.ticket_id, AgentMessage::text("still in time", false), agent_));
  now_ += 2 * 3600;
  auto late = store_->add_agent_message(in.ticket_id, AgentMessage::text("too late", false), agent_);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, Errc::unprocessable);
  EXPECT_TRUE(store_->add_agent_message(in.ticket_id, AgentMessage::text("a note is always fine", true), agent_));
  store_->record_inbound(whatsapp("w2", "are you there?")).value();  // the window reopens
  EXPECT_TRUE(store_->add_agent_message(in.ticket_id, AgentMessage::text("yes", false), agent_));
}

}  // namespace
}  // namespace touchpoint::storage
