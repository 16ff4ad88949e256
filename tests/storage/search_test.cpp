#include <gtest/gtest.h>

#include "protocol/search_query.hpp"
#include "storage/ticket_reader.hpp"
#include "storage/ticket_store.hpp"
#include "temp_dir.hpp"

namespace touchpoint::storage {
namespace {

class SearchTest : public testing::Test {
 protected:
  void SetUp() override { store_.emplace(TicketStore::open({.data_dir = dir_.str()}).value()); }
  static InboundContact api_contact(const std::string& id, const std::string& customer) {
    InboundContact c;
    c.channel_type = "api";
    c.channel_name = "crm";
    c.external_id = id;
    c.from = {{"api", "crm:" + customer}};
    return c;
  }
  int64_t contact(const std::string& id, const std::string& customer, const std::string& subject,
                  const std::string& text) {
    InboundContact c = api_contact(id, customer);
    c.subject = subject;
    c.text = text;
    return store_->record_inbound(c).value().ticket_id;
  }
  int64_t customer_of(const std::string& id, const std::string& name) {
    InboundContact c = api_contact(id, id);
    c.from_name = name;
    c.text = "hi";
    return store_->record_inbound(c).value().customer_id;
  }
  std::vector<int64_t> ids(const std::string& q, TicketFilter f = {}) {
    auto page = TicketReader::open(dir_.str()).value().search(f, *protocol::fts_query(q), std::nullopt);
    EXPECT_TRUE(page) << page.error().message;
    std::vector<int64_t> out;
    for (auto& t : page->tickets) out.push_back(t.id);
    return out;
  }

  testing_support::TempDir dir_;
  std::optional<TicketStore> store_;
};

TEST_F(SearchTest, FindsBodiesAndSubjectsIgnoringCaseAndAccents) {
  int64_t a = contact("1", "c1", "Rimborso", "Perché il mio ordine è in ritardo?");
  int64_t b = contact("2", "c2", "Invoice", "I need a copy of my INVOICE please");
  EXPECT_EQ(ids("perche"), std::vector<int64_t>{a});
  EXPECT_EQ(ids("invoice"), std::vector<int64_t>{b});  // subject and body: one result
  EXPECT_TRUE(ids("rimb").empty());                    // whole words only
  EXPECT_EQ(ids("RIMBORSO"), std::vector<int64_t>{a});
  EXPECT_TRUE(ids("invoice perche").empty());          // every word must match
}

TEST_F(SearchTest, RepliesAndNotesAreSearchableAndNewestMatchComesFirst) {
  int64_t a = contact("1", "c1", "One", "parcel lost");
  int64_t b = contact("2", "c2", "Two", "parcel damaged");
  int64_t agent = store_->add_agent({"a@x.org", "A", "agent", "h"}).value();
  ASSERT_TRUE(store_->add_agent_message(a, AgentMessage::text("escalated to the courier", true), agent));
  EXPECT_EQ(ids("courier"), std::vector<int64_t>{a});
  EXPECT_EQ(ids("parcel"), (std::vector<int64_t>{b, a}));
}

TEST_F(SearchTest, AppliesFiltersAndPagesWithACursor) {
  std::vector<int64_t> t;
  for (int i = 0; i < 5; ++i)
    t.push_back(contact(std::to_string(i), "c" + std::to_string(i), "S", "refund request"));
  ASSERT_TRUE(store_->set_status(t[4], "closed", std::nullopt));
  EXPECT_EQ(ids("refund").size(), 4u);  // closed left out by default
  EXPECT_EQ(ids("refund", {.statuses = {"closed"}}), std::vector<int64_t>{t[4]});
  auto reader = TicketReader::open(dir_.str()).value();
  auto page1 = reader.search({.limit = 2}, *protocol::fts_query("refund"), std::nullopt).value();
  ASSERT_EQ(page1.tickets.size(), 2u);
  ASSERT_TRUE(page1.next_before);
  auto page2 = reader.search({.limit = 10}, *protocol::fts_query("refund"), page1.next_before).value();
  ASSERT_EQ(page2.tickets.size(), 2u);
  EXPECT_EQ(page2.tickets[1].id, t[0]);
  EXPECT_FALSE(page2.next_before);
}

TEST_F(SearchTest, ASubjectChangeIsReindexed) {
  int64_t a = contact("1", "c1", "Old words", "body");
  int64_t agent = store_->add_agent({"a@x.org", "A", "agent", "h"}).value();
  TicketPatch p;
  p.subject = "Shipping address change";
  ASSERT_TRUE(store_->update_ticket(a, p, agent, false));
  EXPECT_TRUE(ids("old").empty());
  EXPECT_EQ(ids("shipping"), std::vector<int64_t>{a});
}

TEST_F(SearchTest, DeferredTextWaitsBehindDurableCursorsAndTheSearchSaysSo) {
  store_->defer_text_index();  // as StoreWriter runs it: bodies and subjects indexed in batches
  int64_t a = contact("1", "c1", "Parcel", "tardy parcel");
  int64_t b = contact("2", "c2", "Letter", "tardy note");
  auto reader = TicketReader::open(dir_.str()).value();
  auto page = reader.search({}, *protocol::fts_query("tardy"), std::nullopt).value();
  EXPECT_TRUE(page.tickets.empty());
  EXPECT_TRUE(page.text_index_behind);
  EXPECT_EQ(store_->text_index_lag().value(), 6);  // two bodies, two subjects, two names
  EXPECT_EQ(store_->index_text(1).value(), 3);     // a bounded batch: one of each still waits
  EXPECT_EQ(ids("tardy"), std::vector<int64_t>{a});
  EXPECT_EQ(ids("parcel"), std::vector<int64_t>{a});
  // A ticket renamed before its subject was indexed: the batch reads the subject it has then.
  int64_t agent = store_->add_agent({"a@x.org", "A", "agent", "h"}).value();
  TicketPatch p;
  p.subject = "Envelope";
  ASSERT_TRUE(store_->update_ticket(b, p, agent, false));
  int64_t c = contact("3", "c3", "Cheque", "tardy cheque");
  // Reopened without deferring (a restart): the cursors were kept, and the next commit indexes
  // everything past them, whatever wrote it.
  store_.reset();
  store_.emplace(TicketStore::open({.data_dir = dir_.str()}).value());
  EXPECT_EQ(store_->text_index_lag().value(), 6);
  contact("4", "c4", "Four", "on time");
  EXPECT_EQ(store_->text_index_lag().value(), 0);
  EXPECT_EQ(ids("tardy"), (std::vector<int64_t>{c, b, a}));
  EXPECT_EQ(ids("envelope"), std::vector<int64_t>{b});
  EXPECT_TRUE(ids("letter").empty());
  page = reader.search({}, *protocol::fts_query("tardy"), std::nullopt).value();
  EXPECT_FALSE(page.text_index_behind);
  // Renamed once indexed: the old subject leaves the index at once.
  p.subject = "Postcard";
  ASSERT_TRUE(store_->update_ticket(b, p, agent, false));
  EXPECT_TRUE(ids("envelope").empty());
  EXPECT_EQ(ids("postcard"), std::vector<int64_t>{b});
}

TEST_F(SearchTest, CustomersAreFoundByWordPrefixesOfTheirNameAcrossRenamesNotMerges) {
  int64_t ada = customer_of("1", "Ada Lovelace");
  int64_t nicolo = customer_of("2", "Nicolò Bianchi");
  int64_t other = customer_of("3", "Adam Smith");
  auto found = [&](const std::string& q) {
    std::vector<int64_t> out;
    auto reader = TicketReader::open(dir_.str()).value();
    auto page = reader.customers_by_name(q, 10).value();
    for (auto& c : page.customers) out.push_back(c.id);
    return out;
  };
  EXPECT_EQ(found("ada lov"), std::vector<int64_t>{ada});
  EXPECT_EQ(found("nicolo"), std::vector<int64_t>{nicolo});  // accents folded
  EXPECT_EQ(found("ADA").size(), 2u);                        // Ada and Adam
  EXPECT_TRUE(found("\"*").empty());                        // syntax is only ever text
  int64_t agent = store_->add_agent({"a@x.org", "A", "agent", "h"}).value();
  ASSERT_TRUE(store_->rename_customer(ada, "Augusta King", agent));
  EXPECT_TRUE(found("lovelace").empty());
  EXPECT_EQ(found("augusta"), std::vector<int64_t>{ada});
  ASSERT_TRUE(store_->merge_customers(other, nicolo, agent));
  EXPECT_TRUE(found("smith").empty());
}

TEST_F(SearchTest, DeferredNamesAreIndexedAsTheyAreWhenTheirBatchComes) {
  store_->defer_text_index();
  auto reader = TicketReader::open(dir_.str()).value();
  auto names = [&](const std::string& q) {
    auto page = reader.customers_by_name(q, 10).value();
    std::vector<int64_t> out;
    for (auto& c : page.customers) out.push_back(c.id);
    return std::pair(out, page.text_index_behind);
  };
  int64_t ada = customer_of("1", "Ada Lovelace");
  EXPECT_EQ(names("ada"), std::pair(std::vector<int64_t>{}, true));
  int64_t agent = store_->add_agent({"a@x.org", "A", "agent", "h"}).value();
  ASSERT_TRUE(store_->rename_customer(ada, "Augusta King", agent));  // before its batch
  ASSERT_TRUE(store_->index_text(100));
  EXPECT_EQ(names("ada"), std::pair(std::vector<int64_t>{}, false));
  EXPECT_EQ(names("augusta"), std::pair(std::vector<int64_t>{ada}, false));
  ASSERT_TRUE(store_->rename_customer(ada, "Ada King", agent));  // after: replaced at once
  EXPECT_EQ(names("augusta"), std::pair(std::vector<int64_t>{}, false));
  EXPECT_EQ(names("ada king"), std::pair(std::vector<int64_t>{ada}, false));
}

}  // namespace
}  // namespace touchpoint::storage
