#include "storage/store_writer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "storage/ticket_reader.hpp"
#include "storage/wal_syncer.hpp"
#include "temp_dir.hpp"

namespace touchpoint::storage {
namespace {

InboundContact contact(const std::string& id, const std::string& customer) {
  InboundContact c;
  c.channel_type = "api";
  c.channel_name = "crm";
  c.external_id = id;
  c.from = {{"api", "crm:" + customer}};
  c.text = "hi";
  return c;
}

TicketStore open_store(const testing_support::TempDir& dir) {
  auto s = TicketStore::open({.data_dir = dir.str()});
  EXPECT_TRUE(s) << s.error().message;
  return std::move(s).value();
}

// Collects completions from the writer thread; the test thread waits for all of them.
struct Collector {
  std::mutex mu;
  std::vector<Result<Recorded>> results;
  std::promise<void> all_done;
  std::size_t expected;
  explicit Collector(std::size_t n) : expected(n) {}
  std::function<void(Result<Recorded>)> done() {
    return [this](Result<Recorded> r) {
      std::lock_guard lock(mu);
      results.push_back(std::move(r));
      if (results.size() == expected) all_done.set_value();
    };
  }
};

TEST(StoreWriter, ConcurrentIdenticalDeliveriesStoreOneMessage) {
  testing_support::TempDir dir;
  StoreWriter writer(open_store(dir));
  constexpr int kThreads = 8, kEach = 50;
  Collector got(kThreads * kEach);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i)
        ASSERT_TRUE(writer.submit<Recorded>(
            [i](TicketStore& s) { return s.record_inbound(contact("m" + std::to_string(i), "c")); },
            got.done()));
    });
  for (auto& t : threads) t.join();
  got.all_done.get_future().wait();
  std::map<int64_t, int> fresh_per_message;
  for (auto& r : got.results) {
    ASSERT_TRUE(r) << r.error().message;
    if (!r->duplicate) ++fresh_per_message[r->message_id];
  }
  EXPECT_EQ(fresh_per_message.size(), static_cast<std::size_t>(kEach));
  for (auto& [id, n] : fresh_per_message) EXPECT_EQ(n, 1) << "message " << id;
  // Group commit happened: fewer transactions than writes.
  EXPECT_LT(writer.batch_sizes().count(), static_cast<uint64_t>(kThreads * kEach));
}

TEST(StoreWriter, AFailedRequestFailsAloneInItsGroup) {
  testing_support::TempDir dir;
  StoreWriter writer(open_store(dir));
  std::promise<void> release;
  auto gate = release.get_future().share();
  Collector got(3);
  // Hold the writer so the next three requests land in one group.
  std::promise<void> held;
  ASSERT_TRUE(writer.submit<Unit>(
      [&](TicketStore&) -> Status {
        held.set_value();
        gate.wait();
        return ok();
      },
      [](Status) {}));
  held.get_future().wait();
  writer.submit<Recorded>([](TicketStore& s) { return s.record_inbound(contact("a", "1")); },
                          got.done());
  writer.submit<Recorded>(
      [](TicketStore& s) -> Result<Recorded> {
        auto r = s.record_inbound(contact("b", "2"));  // written, then rolled back by the error
        return Error{Errc::unprocessable, "rejected after writing"};
      },
      got.done());
  writer.submit<Recorded>([](TicketStore& s) { return s.record_inbound(contact("c", "3")); },
                          got.done());
  release.set_value();
  got.all_done.get_future().wait();
  int ok_count = 0;
  for (auto& r : got.results) ok_count += r.has_value();
  EXPECT_EQ(ok_count, 2);
  writer.stop();
  auto counts = TicketReader::open(dir.str()).value().status_counts().value();
  EXPECT_EQ(counts["new"], 2);  // "b" left nothing behind
}

TEST(StoreWriter, RefusesWhenTheQueueIsFull) {
  testing_support::TempDir dir;
  StoreWriter writer(open_store(dir), {.max_queue = 1, .max_batch = 1});
  std::promise<void> release, held;
  auto gate = release.get_future().share();
  ASSERT_TRUE(writer.submit<Unit>(
      [&](TicketStore&) -> Status {
        held.set_value();
        gate.wait();
        return ok();
      },
      [](Status) {}));
  held.get_future().wait();
  Collector got(1);
  EXPECT_TRUE(writer.submit<Recorded>(
      [](TicketStore& s) { return s.record_inbound(contact("a", "1")); }, got.done()));
  EXPECT_FALSE(writer.submit<Recorded>(
      [](TicketStore& s) { return s.record_inbound(contact("b", "1")); }, got.done()));
  release.set_value();
  got.all_done.get_future().wait();
  EXPECT_TRUE(got.results[0]);
}

TEST(StoreWriter, StopAnswersEverythingQueuedThenRefuses) {
  testing_support::TempDir dir;
  StoreWriter writer(open_store(dir));
  Collector got(100);
  for (int i = 0; i < 100; ++i)
    ASSERT_TRUE(writer.submit<Recorded>(
        [i](TicketStore& s) { return s.record_inbound(contact(std::to_string(i), "1")); },
        got.done()));
  writer.stop();
  EXPECT_EQ(got.results.size(), 100u);
  for (auto& r : got.results) EXPECT_TRUE(r);
  EXPECT_FALSE(writer.submit<Unit>([](TicketStore&) { return ok(); }, [](Status) {}));
}

TEST(StoreWriter, AnswersOnlyAfterTheWalWasSynced) {
  testing_support::TempDir dir;
  StoreWriter writer(open_store(dir));
  std::vector<uint64_t> syncs_seen;  // the completions run one after another, on one thread
  Collector got(20);
  for (int i = 0; i < 20; ++i)
    ASSERT_TRUE(writer.submit<Recorded>(
        [i](TicketStore& s) { return s.record_inbound(contact(std::to_string(i), "1")); },
        [&, done = got.done()](Result<Recorded> r) {
          syncs_seen.push_back(writer.sync_seconds().count());
          done(std::move(r));
        }));
  got.all_done.get_future().wait();
  for (auto& r : got.results) EXPECT_TRUE(r);
  ASSERT_EQ(syncs_seen.size(), 20u);
  for (auto n : syncs_seen) EXPECT_GE(n, 1u);
  EXPECT_TRUE(std::is_sorted(syncs_seen.begin(), syncs_seen.end()));
}

TEST(StoreWriter, AWriteWhoseWalCannotBeSyncedIsAnsweredUnavailable) {
  testing_support::TempDir dir;
  StoreWriter writer(open_store(dir));
  Collector first(1);
  ASSERT_TRUE(writer.submit<Recorded>([](TicketStore& s) { return s.record_inbound(contact("a", "1")); },
                                      first.done()));
  first.all_done.get_future().wait();
  ASSERT_TRUE(first.results[0]);
  // The WAL's name no longer leads to it (as if its disk had gone): nothing can be synced.
  std::filesystem::remove(database_path(dir.str()) + "-wal");
  Collector second(1);
  ASSERT_TRUE(writer.submit<Recorded>([](TicketStore& s) { return s.record_inbound(contact("b", "1")); },
                                      second.done()));
  second.all_done.get_future().wait();
  ASSERT_FALSE(second.results[0]);
  EXPECT_EQ(second.results[0].error().code, Errc::unavailable);
  EXPECT_EQ(writer.failed_syncs(), 1);
}

// Runs op on the writer thread, in a group after everything submitted before, and waits.
template <class T>
Result<T> on_writer(StoreWriter& writer, std::function<Result<T>(TicketStore&)> op) {
  std::promise<Result<T>> answer;
  EXPECT_TRUE(writer.submit<T>(std::move(op), [&](Result<T> r) { answer.set_value(std::move(r)); }));
  return answer.get_future().get();
}

TEST(StoreWriter, IndexesTextOnceABatchIsWaiting) {
  testing_support::TempDir dir;
  StoreWriter writer(open_store(dir), {.text_index_batch = 5, .text_index_delay = std::chrono::hours(1)});
  auto record = [&](const std::string& id) {
    auto r = on_writer<Recorded>(writer, [id](TicketStore& s) { return s.record_inbound(contact(id, "1")); });
    ASSERT_TRUE(r) << r.error().message;
  };
  auto lag = [&] { return on_writer<int64_t>(writer, [](TicketStore& s) { return s.text_index_lag(); }); };
  record("a");
  record("b");
  EXPECT_EQ(lag().value(), 4);  // acknowledged, not searchable: two bodies, a subject, a name
  record("c");                  // the fifth row makes a batch: indexed before the next group
  EXPECT_EQ(lag().value(), 0);
  EXPECT_EQ(writer.text_index_seconds().count(), 1u);
}

TEST(StoreWriter, IndexesWhatWaitedLongEnoughWhenNothingElseComes) {
  testing_support::TempDir dir;
  StoreWriter writer(open_store(dir), {.text_index_batch = 1000,
                                       .text_index_delay = std::chrono::milliseconds(20)});
  ASSERT_TRUE(on_writer<Recorded>(writer, [](TicketStore& s) { return s.record_inbound(contact("a", "1")); }));
  auto reader = TicketReader::open(dir.str()).value();
  // The writer is idle: only its own timer can index the message. Waits up to 30 s.
  bool behind = true;
  for (int i = 0; i < 3000 && behind; ++i) {
    behind = reader.search({}, "hi", std::nullopt).value().text_index_behind;
    if (behind) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_FALSE(behind);
  EXPECT_EQ(reader.search({}, "hi", std::nullopt).value().tickets.size(), 1u);
}

TEST(WalSyncer, AnswersInTheOrderAsked) {
  testing_support::TempDir dir;
  std::string wal = dir.str() + "/log";
  { std::ofstream(wal) << "frames"; }
  WalSyncer syncer(wal);
  std::vector<int> order;
  for (int i = 0; i < 50; ++i) syncer.after_sync([&order, i](bool synced) { order.push_back(synced ? i : -1); }, 1);
  syncer.stop();  // syncs and answers everything queued first
  ASSERT_EQ(order.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(order[static_cast<std::size_t>(i)], i);
  EXPECT_GE(syncer.sync_seconds().count(), 1u);
  EXPECT_EQ(syncer.failures(), 0);
}

TEST(WalSyncer, AMissingLogIsNotSynced) {
  testing_support::TempDir dir;
  WalSyncer syncer(dir.str() + "/no-such-log");
  bool answered = false, synced = true;
  syncer.after_sync([&](bool s) {
    answered = true;
    synced = s;
  }, 1);
  syncer.stop();
  EXPECT_TRUE(answered);
  EXPECT_FALSE(synced);
  EXPECT_EQ(syncer.failures(), 1);
}

}  // namespace
}  // namespace touchpoint::storage
