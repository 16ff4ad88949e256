#include "bench/baseline_server.hpp"

#include <sqlite3.h>

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "server/net.hpp"

namespace touchpoint::bench {
namespace {
using namespace touchpoint::server;

void must(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::fprintf(stderr, "baseline: %s: %s\n", what, sqlite3_errmsg(db));
    std::exit(1);
  }
}

sqlite3* open_store(const std::string& path) {
  sqlite3* db = nullptr;
  must(sqlite3_open(path.c_str(), &db), db, "open");
  for (const char* sql : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                          "CREATE TABLE IF NOT EXISTS messages(id INTEGER PRIMARY KEY, "
                          "key INTEGER NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL)",
                          "CREATE UNIQUE INDEX IF NOT EXISTS messages_key ON messages(key)"})
    must(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), db, sql);
  return db;
}

std::int64_t fnv1a(std::string_view s) {
  std::uint64_t h = 1469598103934665603ull;
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return static_cast<std::int64_t>(h);
}

// One writer thread, group commit: everything queued goes into one transaction.
class Writer {
 public:
  struct Job {
    std::int64_t key;
    std::string body;
    std::function<void(bool)> done;
  };
  explicit Writer(sqlite3* db) : db_(db), thread_([this] { run(); }) {}
  void submit(Job j) {
    {
      std::lock_guard lock(mu_);
      queue_.push_back(std::move(j));
    }
    cv_.notify_one();
  }

 private:
  void run() {
    sqlite3_stmt* insert = nullptr;
    must(sqlite3_prepare_v2(db_, "INSERT OR IGNORE INTO messages(key, body, created_at) VALUES (?1, ?2, ?3)",
                            -1, &insert, nullptr), db_, "prepare");
    std::vector<Job> group;
    for (;;) {
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return !queue_.empty(); });
        while (!queue_.empty() && group.size() < 1000) {
          group.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
      must(sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), db_, "begin");
      for (auto& j : group) {
        sqlite3_bind_int64(insert, 1, j.key);
        sqlite3_bind_text(insert, 2, j.body.data(), static_cast<int>(j.body.size()), SQLITE_STATIC);
        sqlite3_bind_int64(insert, 3, static_cast<std::int64_t>(std::time(nullptr)));
        must(sqlite3_step(insert), db_, "insert");
        sqlite3_reset(insert);
      }
      bool ok = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK;
      for (auto& j : group) j.done(ok);
      group.clear();
    }
  }
  sqlite3* db_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  std::thread thread_;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket s, Writer& w) : stream_(std::move(s)), writer_(w) {}
  void read() {
    req_ = {};
    http::async_read(stream_, buf_, req_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;
      self->on_request();
    });
  }

 private:
  void on_request() {
    std::string_view body = req_.body();
    auto at = body.find("\"message_id\":\"");
    std::string_view id = at == std::string_view::npos ? body : body.substr(at + 14, body.find('"', at + 14) - at - 14);
    keep_alive_ = req_.keep_alive();
    writer_.submit({fnv1a(id), std::move(req_.body()), [self = shared_from_this()](bool ok) {
                      net::post(self->stream_.get_executor(), [self, ok] { self->answer(ok); });
                    }});
  }
  void answer(bool ok) {
    res_ = {ok ? http::status::ok : http::status::service_unavailable, 11};
    res_.set(http::field::content_type, "application/json");
    res_.body() = ok ? R"({"ok":true})" : R"({"ok":false})";
    res_.keep_alive(keep_alive_);
    res_.prepare_payload();
    http::async_write(stream_, res_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (!ec && self->keep_alive_) self->read();
    });
  }
  beast::tcp_stream stream_;
  Writer& writer_;
  beast::flat_buffer buf_;
  http::request<http::string_body> req_;
  http::response<http::string_body> res_;
  bool keep_alive_ = true;
};

void accept(tcp::acceptor& a, Writer& w) {
  a.async_accept([&a, &w](beast::error_code ec, tcp::socket s) {
    if (!ec) {
      s.set_option(tcp::no_delay(true));
      std::make_shared<Session>(std::move(s), w)->read();
    }
    accept(a, w);
  });
}
}  // namespace

int seed_baseline(const BaselineOptions& o) {
  std::filesystem::create_directories(o.data_dir);
  std::string path = o.data_dir + "/baseline.db";
  sqlite3* db = open_store(path);
  sqlite3_stmt* count = nullptr;
  sqlite3_prepare_v2(db, "SELECT count(*) FROM messages", -1, &count, nullptr);
  sqlite3_step(count);
  long have = static_cast<long>(sqlite3_column_int64(count, 0));
  sqlite3_finalize(count);
  if (have < o.seed_rows) {
    std::mt19937_64 rng(42);
    sqlite3_stmt* insert = nullptr;
    sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO messages(key, body, created_at) VALUES (?1, ?2, 0)", -1, &insert, nullptr);
    std::string body(260, 'x');
    for (long done = have; done < o.seed_rows;) {
      sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
      for (int i = 0; i < 50000 && done < o.seed_rows; ++i, ++done) {
        sqlite3_bind_int64(insert, 1, static_cast<std::int64_t>(rng()));
        sqlite3_bind_text(insert, 2, body.data(), static_cast<int>(body.size()), SQLITE_STATIC);
        sqlite3_step(insert);
        sqlite3_reset(insert);
      }
      sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    }
    sqlite3_finalize(insert);
  }
  sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  std::printf("baseline store %s: %ld rows\n", path.c_str(), std::max(have, o.seed_rows));
  return 0;
}

int run_baseline_server(const BaselineOptions& o) {
  std::filesystem::create_directories(o.data_dir);
  std::string path = o.data_dir + "/baseline.db";
  if (!o.seed_from.empty()) std::filesystem::copy_file(o.seed_from, path, std::filesystem::copy_options::overwrite_existing);
  sqlite3* db = open_store(path);
  Writer writer(db);
  net::io_context ioc;
  tcp::acceptor acceptor(ioc, {net::ip::make_address("127.0.0.1"), o.port});
  std::printf("baseline listening on 127.0.0.1:%u\n", acceptor.local_endpoint().port());
  std::fflush(stdout);
  accept(acceptor, writer);
  ioc.run();
  return 0;
}

}  // namespace touchpoint::bench
