#include "storage/ticket_store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>

#include "storage/attachment_store.hpp"
#include "storage/ticket_reader.hpp"
#include "temp_dir.hpp"

namespace touchpoint::storage {
namespace {

InboundContact contact(std::string channel, std::string external_id, std::vector<Identity> from,
                       std::string thread = "") {
  InboundContact c;
  c.channel_type = channel == "sms" ? "twilio" : "api";
  c.channel_name = std::move(channel);
  c.external_id = std::move(external_id);
  c.from = std::move(from);
  c.thread_key = std::move(thread);
  c.subject = "Where is my order?";
  c.text = "Hello";
  return c;
}

class TicketStoreTest : public testing::Test {
 protected:
  void SetUp() override {
    auto s = TicketStore::open({.data_dir = dir_.str(), .now = [this] { return now_; }});
    ASSERT_TRUE(s) << s.error().message;
    store_.emplace(std::move(s).value());
  }
  TicketReader reader() {
    auto r = TicketReader::open(dir_.str());
    EXPECT_TRUE(r) << r.error().message;
    return std::move(r).value();
  }
  Recorded record(const InboundContact& c) {
    auto r = store_->record_inbound(c);
    EXPECT_TRUE(r) << r.error().message;
    return r ? r.value() : Recorded{};
  }
  int64_t count_rows(const char* table) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(database_path(dir_.str()).c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, (std::string("SELECT count(*) FROM ") + table).c_str(), -1, &st,
                       nullptr);
    sqlite3_step(st);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
  }

  testing_support::TempDir dir_;
  int64_t now_ = 1795341600;
  std::optional<TicketStore> store_;
};

TEST_F(TicketStoreTest, FirstContactCreatesCustomerTicketAndMessage) {
  auto r = record(contact("crm", "m1", {{"api", "crm:42"}, {"email", "ada@example.com"}}));
  EXPECT_FALSE(r.duplicate);
  EXPECT_TRUE(r.ticket_created);
  auto view = reader().ticket(r.ticket_id);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->ticket.status, "new");
  EXPECT_EQ(view->ticket.subject, "Where is my order?");
  EXPECT_EQ(view->ticket.customer_id, r.customer_id);
  EXPECT_EQ(view->ticket.created_at, now_);
  ASSERT_EQ(view->messages.size(), 1u);
  EXPECT_EQ(view->messages[0].id, r.message_id);
  EXPECT_EQ(view->messages[0].direction, "in");
  EXPECT_EQ(view->messages[0].author, "customer");
  EXPECT_EQ(view->messages[0].external_id, "m1");
  ASSERT_FALSE(view->events.empty());
  EXPECT_EQ(view->events[0].type, "ticket.created");
  auto customer = reader().customer(r.customer_id);
  ASSERT_TRUE(customer);
  EXPECT_EQ(customer->identities.size(), 2u);
  EXPECT_EQ(reader().status_counts().value()["new"], 1);
}

TEST_F(TicketStoreTest, ProviderRetryIsIdempotent) {
  auto first = record(contact("crm", "m1", {{"api", "crm:42"}}));
  auto retry = record(contact("crm", "m1", {{"api", "crm:42"}}));
  EXPECT_TRUE(retry.duplicate);
  EXPECT_EQ(first.message_id, retry.message_id);
  EXPECT_EQ(first.ticket_id, retry.ticket_id);
  EXPECT_EQ(first.customer_id, retry.customer_id);
  EXPECT_EQ(count_rows("messages"), 1);
  EXPECT_EQ(count_rows("tickets"), 1);
}

TEST_F(TicketStoreTest, SameProviderIdOnAnotherChannelIsAnotherMessage) {
  auto a = record(contact("crm", "m1", {{"api", "crm:42"}}));
  auto b = record(contact("shop", "m1", {{"api", "shop:42"}}));
  EXPECT_FALSE(b.duplicate);
  EXPECT_NE(a.message_id, b.message_id);
}

TEST_F(TicketStoreTest, AnEmailSeenOnTwoChannelsIsOneCustomer) {
  auto a = record(contact("crm", "m1", {{"api", "crm:42"}, {"email", "ada@example.com"}}));
  auto b = record(contact("shop", "s1", {{"api", "shop:7"}, {"email", "ada@example.com"}}));
  EXPECT_EQ(a.customer_id, b.customer_id);
  EXPECT_NE(a.ticket_id, b.ticket_id);  // one ticket per channel account and thread
  auto c = reader().customer(a.customer_id);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->identities.size(), 3u);
}

TEST_F(TicketStoreTest, IdentitiesOwnedByAnotherCustomerAreNotMoved) {
  auto ada = record(contact("crm", "m1", {{"email", "ada@example.com"}}));
  auto bob = record(contact("crm", "m2", {{"phone", "+15550100"}}));
  auto both = record(contact("crm", "m3", {{"email", "ada@example.com"}, {"phone", "+15550100"}}));
  EXPECT_EQ(both.customer_id, ada.customer_id);
  EXPECT_EQ(reader().customer(bob.customer_id)->identities.size(), 1u);
}

TEST_F(TicketStoreTest, MessagesOfOneThreadShareATicketAndOtherThreadsDoNot) {
  auto a = record(contact("crm", "m1", {{"api", "crm:42"}}, "conv-1"));
  auto b = record(contact("crm", "m2", {{"api", "crm:42"}}, "conv-1"));
  auto c = record(contact("crm", "m3", {{"api", "crm:42"}}, "conv-2"));
  EXPECT_EQ(a.ticket_id, b.ticket_id);
  EXPECT_FALSE(b.ticket_created);
  EXPECT_NE(a.ticket_id, c.ticket_id);
}

TEST_F(TicketStoreTest, WithoutAThreadACustomerHasOneOpenTicketPerChannel) {
  auto a = record(contact("crm", "m1", {{"api", "crm:42"}}));
  auto b = record(contact("crm", "m2", {{"api", "crm:42"}}));
  auto other = record(contact("crm", "m3", {{"api", "crm:43"}}));
  EXPECT_EQ(a.ticket_id, b.ticket_id);
  EXPECT_NE(a.ticket_id, other.ticket_id);
}

TEST_F(TicketStoreTest, ACustomerMessageReopensASolvedTicket) {
  auto a = record(contact("crm", "m1", {{"api", "crm:42"}}, "t"));
  ASSERT_TRUE(store_->set_status(a.ticket_id, "solved", std::nullopt));
  EXPECT_TRUE(reader().ticket(a.ticket_id)->ticket.solved_at);
  now_ += 60;
  auto b = record(contact("crm", "m2", {{"api", "crm:42"}}, "t"));
  EXPECT_EQ(a.ticket_id, b.ticket_id);
  EXPECT_TRUE(b.ticket_reopened);
  auto view = reader().ticket(a.ticket_id);
  EXPECT_EQ(view->ticket.status, "open");
  EXPECT_FALSE(view->ticket.solved_at);
  EXPECT_EQ(view->ticket.updated_at, now_);
  EXPECT_EQ(view->events.back().type, "ticket.status_changed");
  EXPECT_EQ(view->events.back().actor_type, "customer");
  auto counts = reader().status_counts().value();
  EXPECT_EQ(counts["open"], 1);
  EXPECT_EQ(counts["solved"], 0);
  EXPECT_EQ(counts["new"], 0);
}

TEST_F(TicketStoreTest, AMessageAfterCloseOpensANewTicket) {
  auto a = record(contact("crm", "m1", {{"api", "crm:42"}}, "t"));
  ASSERT_TRUE(store_->set_status(a.ticket_id, "closed", std::nullopt));
  auto b = record(contact("crm", "m2", {{"api", "crm:42"}}, "t"));
  EXPECT_NE(a.ticket_id, b.ticket_id);
  EXPECT_TRUE(b.ticket_created);
  EXPECT_EQ(a.customer_id, b.customer_id);
}

TEST_F(TicketStoreTest, MergeMovesMessagesClosesWithAPointerAndKeepsTheThreadFlowing) {
  auto a = record(contact("crm", "m1", {{"api", "crm:1"}}, "thread-a"));
  auto b = record(contact("crm", "m2", {{"api", "crm:2"}}, "thread-b"));
  int64_t agent = store_->add_agent({"a@x.org", "A", "agent", "h"}).value();
  ASSERT_TRUE(store_->merge_tickets(a.ticket_id, b.ticket_id, agent));
  auto source = reader().ticket(a.ticket_id).value();
  auto target = reader().ticket(b.ticket_id).value();
  EXPECT_EQ(source.ticket.status, "closed");
  EXPECT_EQ(source.ticket.merged_into, b.ticket_id);
  EXPECT_TRUE(source.messages.empty());
  EXPECT_EQ(target.messages.size(), 2u);
  EXPECT_EQ(source.events.back().type, "ticket.merged");
  EXPECT_EQ(target.events.back().type, "ticket.merged_from");
  EXPECT_EQ(target.events.back().old_value, std::to_string(a.ticket_id));
  // The customer of the merged ticket writes again on their thread: it lands on the target.
  auto again = record(contact("crm", "m3", {{"api", "crm:1"}}, "thread-a"));
  EXPECT_EQ(again.ticket_id, b.ticket_id);
  EXPECT_FALSE(again.ticket_created);
  auto counts = reader().status_counts().value();
  EXPECT_EQ(counts["closed"], 1);
  EXPECT_EQ(counts["new"], 1);
}

TEST_F(TicketStoreTest, MergeRefusesItselfAndClosedTickets) {
  auto a = record(contact("crm", "m1", {{"api", "crm:1"}}, "a"));
  auto b = record(contact("crm", "m2", {{"api", "crm:2"}}, "b"));
  EXPECT_EQ(store_->merge_tickets(a.ticket_id, a.ticket_id, 1).error().code, Errc::unprocessable);
  ASSERT_TRUE(store_->set_status(b.ticket_id, "closed", std::nullopt));
  EXPECT_EQ(store_->merge_tickets(a.ticket_id, b.ticket_id, 1).error().code, Errc::unprocessable);
  EXPECT_EQ(store_->merge_tickets(999, a.ticket_id, 1).error().code, Errc::not_found);
  EXPECT_EQ(reader().ticket(a.ticket_id)->messages.size(), 1u);  // nothing moved
}

TEST_F(TicketStoreTest, AMergedCustomersConversationStaysOneAndUnmergeRestoresIt) {
  // Threadless channel: each customer has their one open ticket on it.
  auto a = record(contact("crm", "m1", {{"api", "crm:a"}}));
  auto b = record(contact("crm", "m2", {{"api", "crm:b"}}));
  ASSERT_TRUE(store_->merge_customers(a.customer_id, b.customer_id, 1));
  // a's identity now resolves to b; a's messages join b's newest open conversation.
  auto later = record(contact("crm", "m3", {{"api", "crm:a"}}));
  EXPECT_EQ(later.customer_id, b.customer_id);
  EXPECT_EQ(later.ticket_id, std::max(a.ticket_id, b.ticket_id));  // the newest open one
  ASSERT_TRUE(store_->unmerge_customer(a.customer_id, 1));
  auto after = record(contact("crm", "m4", {{"api", "crm:a"}}));
  EXPECT_EQ(after.customer_id, a.customer_id);
  EXPECT_EQ(after.ticket_id, a.ticket_id);
  EXPECT_EQ(reader().ticket(a.ticket_id)->ticket.customer_id, a.customer_id);
  EXPECT_EQ(store_->unmerge_customer(a.customer_id, 1).error().code, Errc::unprocessable);
}

TEST_F(TicketStoreTest, AttachmentsAreStoredByContentOnce) {
  auto c = contact("crm", "m1", {{"api", "crm:42"}});
  c.attachments.push_back({"a.txt", "text/plain", "hello", ""});
  c.attachments.push_back({"copy.txt", "text/plain", "hello", ""});
  auto r = record(c);
  auto view = reader().ticket(r.ticket_id);
  ASSERT_EQ(view->messages[0].attachments.size(), 2u);
  const auto& a = view->messages[0].attachments[0];
  EXPECT_EQ(a.filename, "a.txt");
  EXPECT_EQ(a.size, 5);
  EXPECT_EQ(a.sha256, sha256_hex("hello"));
  AttachmentStore files(dir_.str() + "/attachments");
  EXPECT_EQ(files.get(a.sha256).value(), "hello");
}

TEST_F(TicketStoreTest, FilesWrittenAheadAreNamedByHashAndSyncedBeforeTheCommit) {
  // The SMTP path writes a mail's files on its own threads (Sync::deferred) and hands the
  // writer only their hashes; the store flushes the filesystem before the COMMIT names them.
  AttachmentStore files(dir_.str() + "/attachments");
  auto h = files.put("deferred bytes", AttachmentStore::Sync::deferred);
  ASSERT_TRUE(h);
  EXPECT_EQ(files.get(h.value()).value(), "deferred bytes");
  EXPECT_TRUE(files.sync_all());
  auto c = contact("crm", "m1", {{"api", "crm:42"}});
  c.attachments.push_back({"early.txt", "text/plain", "deferred bytes", h.value()});
  auto in_batch = store_->batch([&] { ASSERT_TRUE(store_->record_inbound(c)); });
  ASSERT_TRUE(in_batch);
  auto view = reader().ticket(1);
  ASSERT_EQ(view->messages[0].attachments.size(), 1u);
  EXPECT_EQ(view->messages[0].attachments[0].sha256, h.value());
}

TEST_F(TicketStoreTest, QueuePagesMostRecentFirstWithACursorEvenWithinOneSecond) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i) {  // all in the same second: the cursor must still be exact
    ids.push_back(record(contact("crm", "m" + std::to_string(i), {{"api", "crm:" + std::to_string(i)}}))
                      .ticket_id);
  }
  auto r = reader();
  auto page1 = r.queue({.status = "new", .limit = 2});
  ASSERT_TRUE(page1);
  ASSERT_EQ(page1->size(), 2u);
  EXPECT_EQ((*page1)[0].id, ids[4]);
  EXPECT_EQ((*page1)[1].id, ids[3]);
  auto page2 = r.queue({.status = "new", .limit = 10,
                        .after = QueueCursor{(*page1)[1].activity}});
  ASSERT_EQ(page2->size(), 3u);
  EXPECT_EQ((*page2)[0].id, ids[2]);
  EXPECT_EQ((*page2)[2].id, ids[0]);
}

TEST_F(TicketStoreTest, ActivityKeepsGrowingAcrossRestarts) {
  auto a = record(contact("crm", "m1", {{"api", "crm:1"}}));
  int64_t before = reader().ticket(a.ticket_id)->ticket.activity;
  store_.reset();
  store_.emplace(TicketStore::open({.data_dir = dir_.str()}).value());
  auto b = record(contact("crm", "m2", {{"api", "crm:2"}}));
  EXPECT_GT(reader().ticket(b.ticket_id)->ticket.activity, before);
  auto page = reader().queue({.status = "new", .limit = 10});
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].id, b.ticket_id);
}

TEST_F(TicketStoreTest, SetStatusRejectsUnknownStatusAndTicket) {
  auto a = record(contact("crm", "m1", {{"api", "crm:42"}}));
  EXPECT_EQ(store_->set_status(a.ticket_id, "done", std::nullopt).error().code, Errc::unprocessable);
  EXPECT_EQ(store_->set_status(999, "open", std::nullopt).error().code, Errc::not_found);
}

TEST_F(TicketStoreTest, AgentEmailsAreUnique) {
  EXPECT_TRUE(store_->add_agent({"a@x.org", "A", "agent", "hash"}));
  auto again = store_->add_agent({"a@x.org", "A", "admin", "hash"});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::conflict);
  EXPECT_EQ(store_->agent_count().value(), 1);
}

TEST_F(TicketStoreTest, EventsAreAppendOnly) {
  record(contact("crm", "m1", {{"api", "crm:42"}}));
  sqlite3* db = nullptr;
  sqlite3_open(database_path(dir_.str()).c_str(), &db);
  EXPECT_NE(sqlite3_exec(db, "DELETE FROM events", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "UPDATE events SET type = 'x'", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
}

TEST_F(TicketStoreTest, ReopeningMigratesNothingAndKeepsData) {
  record(contact("crm", "m1", {{"api", "crm:42"}}));
  store_.reset();
  auto again = TicketStore::open({.data_dir = dir_.str()});
  ASSERT_TRUE(again);
  EXPECT_EQ(count_rows("messages"), 1);
}

TEST(TicketStoreOpen, RefusesAStoreFromANewerBuild) {
  testing_support::TempDir dir;
  ASSERT_TRUE(TicketStore::open({.data_dir = dir.str()}));
  sqlite3* db = nullptr;
  sqlite3_open(database_path(dir.str()).c_str(), &db);
  sqlite3_exec(db, "PRAGMA user_version = 999", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  auto s = TicketStore::open({.data_dir = dir.str()});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("newer"), std::string::npos);
}

TEST(TicketStoreOpen, ExplainsAnUnusableDataDirectory) {
  testing_support::TempDir dir;
  std::string file = dir.str() + "/not-a-dir";
  FILE* f = std::fopen(file.c_str(), "w");
  std::fclose(f);
  auto s = TicketStore::open({.data_dir = file});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, Errc::unavailable);
  EXPECT_NE(s.error().message.find("not-a-dir"), std::string::npos);
}

TEST(TicketStoreFailure, ALockedStoreAnswersUnavailableAndWritesNothingHalf) {
  testing_support::TempDir dir;
  {
    auto s = TicketStore::open({.data_dir = dir.str()});
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->record_inbound(contact("crm", "m1", {{"api", "crm:1"}})));
  }
  // A second connection holds the write lock: our writer cannot commit and must say so.
  sqlite3* locker = nullptr;
  sqlite3_open(database_path(dir.str()).c_str(), &locker);
  ASSERT_EQ(sqlite3_exec(locker, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  auto s = TicketStore::open({.data_dir = dir.str()});
  ASSERT_TRUE(s);
  auto r = s->record_inbound(contact("crm", "m2", {{"api", "crm:2"}}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::unavailable);
  sqlite3_exec(locker, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(locker);
  // Nothing half-written: the retry stores exactly one new message.
  auto retry = s->record_inbound(contact("crm", "m2", {{"api", "crm:2"}}));
  ASSERT_TRUE(retry);
  EXPECT_FALSE(retry->duplicate);
  auto view = TicketReader::open(dir.str()).value().ticket(retry->ticket_id);
  EXPECT_EQ(view->messages.size(), 1u);
}

TEST(BackupStore, CopiesAConsistentSnapshot) {
  testing_support::TempDir dir;
  {
    auto s = TicketStore::open({.data_dir = dir.str()});
    ASSERT_TRUE(s->record_inbound(contact("crm", "m1", {{"api", "crm:1"}})));
  }
  std::string out = dir.str() + "/backup.db";
  ASSERT_TRUE(backup_store(dir.str(), out));
  testing_support::TempDir restored;
  std::filesystem::copy_file(out, database_path(restored.str()));
  auto s = TicketStore::open({.data_dir = restored.str()});
  ASSERT_TRUE(s);
  auto again = s->record_inbound(contact("crm", "m1", {{"api", "crm:1"}}));
  EXPECT_TRUE(again->duplicate);
}

}  // namespace
}  // namespace touchpoint::storage
