// The real server, in-process on 127.0.0.1:0, spoken to over real sockets.
#include "server/server.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "../storage/temp_dir.hpp"
#include "server/http_client.hpp"
#include "server/http_routes.hpp"
#include "storage/ticket_reader.hpp"

namespace touchpoint::server {
namespace {

using testing_support::HttpClient;
using testing_support::Reply;

const char* kHello = R"({"message_id":"ext-1","thread":"conv-9","text":"Hello",
  "from":{"id":"cust-42","name":"Ada Lovelace","email":"ada@example.com","phone":"+393331234567"},
  "sent_at":"2026-11-22T10:00:00Z"})";

class HttpServerTest : public testing::Test {
 protected:
  void SetUp() override {
    Config config;
    config.data_dir = dir_.str();
    config.http = "127.0.0.1:0";
    ChannelConfig crm;
    crm.type = "api";
    crm.name = "crm";
    crm.values = {{"type", "api"}, {"name", "crm"}, {"token", "s3cret"}};
    config.channels.push_back(crm);
    auto store = storage::TicketStore::open({.data_dir = dir_.str()});
    ASSERT_TRUE(store) << store.error().message;
    auto s = Server::start(std::move(config), std::move(store).value());
    ASSERT_TRUE(s) << s.error().message;
    server_ = std::move(s).value();
  }
  HttpClient client() { return HttpClient(server_->http_port()); }
  int64_t stored_tickets() {
    auto counts = storage::TicketReader::open(dir_.str()).value().status_counts().value();
    int64_t n = 0;
    for (auto& [status, c] : counts) n += c;
    return n;
  }
  static void expect_error(const Reply& r, int status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_NE(r.body.find(R"({"error":{"code":")" + code + R"(","message":")"), std::string::npos)
        << r.body;
    EXPECT_EQ(r.headers.at("Content-Type"), "application/json");
  }

  testing_support::TempDir dir_;
  std::unique_ptr<Server> server_;
};

TEST_F(HttpServerTest, HealthzSaysOkWhenTheStoreIsWritable) {
  auto r = client().get("/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"status":"ok"})");
}

TEST_F(HttpServerTest, ApiChannelStoresAndAcknowledges) {
  auto c = client();
  auto r = c.post_json("/webhooks/api/crm", kHello);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"ticket_id":1,"message_id":1,"customer_id":1,"duplicate":false})");
  EXPECT_TRUE(r.keep_alive);
  auto view = storage::TicketReader::open(dir_.str()).value().ticket(1);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->messages.at(0).body, "Hello");
  EXPECT_EQ(view->messages.at(0).sent_at, 1795341600);
}

TEST_F(HttpServerTest, ARetryAnswersTheSameIdsAndStoresNothing) {
  auto c = client();
  auto first = c.post_json("/webhooks/api/crm", kHello);
  auto retry = c.post_json("/webhooks/api/crm", kHello);
  ASSERT_EQ(retry.status, 200);
  EXPECT_EQ(retry.body, R"({"ticket_id":1,"message_id":1,"customer_id":1,"duplicate":true})");
  auto view = storage::TicketReader::open(dir_.str()).value().ticket(1);
  EXPECT_EQ(view->messages.size(), 1u);
}

TEST_F(HttpServerTest, ConcurrentRetriesOnManyConnectionsStoreOneMessage) {
  constexpr int kClients = 6;
  std::vector<std::thread> threads;
  std::vector<std::string> bodies(kClients);
  for (int i = 0; i < kClients; ++i)
    threads.emplace_back([&, i] { bodies[i] = client().post_json("/webhooks/api/crm", kHello).body; });
  for (auto& t : threads) t.join();
  int fresh = 0;
  for (auto& b : bodies) {
    EXPECT_NE(b.find(R"("message_id":1,)"), std::string::npos) << b;
    fresh += b.find(R"("duplicate":false)") != std::string::npos;
  }
  EXPECT_EQ(fresh, 1);
}

TEST_F(HttpServerTest, WrongOrMissingTokenIs401AndStoresNothing) {
  auto c = client();
  expect_error(c.post_json("/webhooks/api/crm", kHello, "wrong"), 401, "unauthorized");
  expect_error(c.request(boost::beast::http::verb::post, "/webhooks/api/crm", kHello,
                         {{"Content-Type", "application/json"}}),
               401, "unauthorized");
  EXPECT_EQ(stored_tickets(), 0);
}

TEST_F(HttpServerTest, MalformedJsonAndMissingFieldsAre400AndStoreNothing) {
  auto c = client();
  expect_error(c.post_json("/webhooks/api/crm", "{not json"), 400, "bad_request");
  expect_error(c.post_json("/webhooks/api/crm", R"({"text":"hi","from":{"id":"x"}})"), 400,
               "bad_request");
  expect_error(c.post_json("/webhooks/api/crm", R"({"message_id":"m","text":"hi"})"), 400,
               "bad_request");
  EXPECT_EQ(stored_tickets(), 0);
}

TEST_F(HttpServerTest, WrongContentTypeIs415) {
  auto r = client().request(boost::beast::http::verb::post, "/webhooks/api/crm", kHello,
                            {{"Content-Type", "text/plain"}, {"Authorization", "Bearer s3cret"}});
  expect_error(r, 415, "unsupported_media_type");
  EXPECT_EQ(stored_tickets(), 0);
}

TEST_F(HttpServerTest, OversizedBodyIs413BeforeItIsSentAndStoresNothing) {
  // The limit is checked against Content-Length as soon as the headers arrive, so a client
  // learns at once, without uploading the body.
  auto c = client();
  std::string head = "POST /webhooks/api/crm HTTP/1.1\r\nHost: x\r\n"
                     "Content-Type: application/json\r\nAuthorization: Bearer s3cret\r\n"
                     "Content-Length: " + std::to_string(kMaxWebhookBytes + 1) + "\r\n\r\n";
  boost::asio::write(c.stream().socket(), boost::asio::buffer(head));
  boost::beast::flat_buffer buf;
  boost::beast::http::response<boost::beast::http::string_body> res;
  boost::beast::http::read(c.stream(), buf, res);
  EXPECT_EQ(res.result_int(), 413u);
  EXPECT_NE(res.body().find("too_large"), std::string::npos);
  EXPECT_FALSE(res.keep_alive());
  EXPECT_EQ(stored_tickets(), 0);
}

TEST_F(HttpServerTest, UnknownChannelsApiRoutesAndAssetsAre404AndGetIs405) {
  auto c = client();
  expect_error(c.post_json("/webhooks/api/nope", kHello), 404, "not_found");
  expect_error(c.post_json("/webhooks/whatsapp/wa", kHello), 404, "not_found");
  expect_error(c.get("/assets/nothing-here.js"), 404, "not_found");
  expect_error(c.get("/api/nothing-here"), 404, "not_found");
  // Every other path is the console's (its own routes reload): the page, never cached.
  auto page = c.get("/nothing-here");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<!doctype html>"), std::string::npos) << page.body;
  expect_error(c.get("/webhooks/api/crm"), 405, "method_not_allowed");
}

TEST_F(HttpServerTest, MetricsCountRequestsIngestsAndDuplicates) {
  auto c = client();
  c.post_json("/webhooks/api/crm", kHello);
  c.post_json("/webhooks/api/crm", kHello);
  c.post_json("/webhooks/api/crm", "{");
  auto m = c.get("/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_NE(m.body.find(R"(touchpoint_http_requests_total{route="/webhooks/api/{name}",code="200"} 2)"),
            std::string::npos) << m.body;
  EXPECT_NE(m.body.find(R"(touchpoint_http_requests_total{route="/webhooks/api/{name}",code="400"} 1)"),
            std::string::npos);
  EXPECT_NE(m.body.find(R"(touchpoint_ingested_messages_total{channel="api"} 1)"), std::string::npos);
  EXPECT_NE(m.body.find(R"(touchpoint_duplicate_deliveries_total{channel="api"} 1)"),
            std::string::npos);
  EXPECT_NE(m.body.find("touchpoint_commit_batch_size_count"), std::string::npos);
  EXPECT_NE(m.body.find("touchpoint_writer_queue_depth 0"), std::string::npos);
}

TEST_F(HttpServerTest, StopAnswersWhatWasReadThenRefusesNewConnections) {
  auto c = client();
  ASSERT_EQ(c.post_json("/webhooks/api/crm", kHello).status, 200);
  unsigned short port = server_->http_port();
  server_->stop();
  server_->wait();
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket s(ioc);
  boost::system::error_code ec;
  s.connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
  EXPECT_TRUE(ec);  // nobody listens any more
  EXPECT_EQ(stored_tickets(), 1);
}

TEST(ServerStart, ExplainsATakenPort) {
  testing_support::TempDir dir;
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor taken(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  Config config;
  config.data_dir = dir.str();
  config.http = "127.0.0.1:" + std::to_string(taken.local_endpoint().port());
  auto s = Server::start(config, storage::TicketStore::open({.data_dir = dir.str()}).value());
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("cannot listen"), std::string::npos) << s.error().message;
}

}  // namespace
}  // namespace touchpoint::server
