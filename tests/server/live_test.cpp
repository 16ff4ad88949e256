// Live events on /api/v1/live over a real WebSocket.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <boost/beast/websocket.hpp>

#include "../storage/temp_dir.hpp"
#include "server/auth.hpp"
#include "server/http_client.hpp"
#include "server/passwords.hpp"
#include "server/server.hpp"

namespace touchpoint::server {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

class LiveClient {
 public:
  LiveClient(unsigned short port, const std::string& target, const std::string& token)
      : ws_(ioc_) {
    beast::get_lowest_layer(ws_).connect({net::ip::make_address("127.0.0.1"), port});
    ws_.set_option(websocket::stream_base::decorator([token](websocket::request_type& req) {
      if (!token.empty()) req.set(beast::http::field::authorization, "Bearer " + token);
    }));
    ws_.handshake(res_, "127.0.0.1", target, ec_);
  }
  bool ok() const { return !ec_; }
  int status() const { return res_.result_int(); }
  rapidjson::Document next() {
    beast::flat_buffer buf;
    beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(20));
    ws_.read(buf);
    rapidjson::Document d;
    d.Parse(beast::buffers_to_string(buf.data()).c_str());
    return d;
  }
  // Reads until an event of this type arrives (bounded by the read timeout).
  rapidjson::Document next_of(const std::string& type) {
    for (;;) {
      auto d = next();
      if (type == d["type"].GetString()) return d;
    }
  }

 private:
  net::io_context ioc_;
  websocket::stream<beast::tcp_stream> ws_;
  websocket::response_type res_;
  beast::error_code ec_;
};

class LiveTest : public testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::TicketStore::open({.data_dir = dir_.str()}).value();
    int64_t agent = store.add_agent({"a@example.com", "A", "agent", "unused"}).value();
    token_ = random_secret(32);
    ASSERT_TRUE(store.create_token({token_hash(token_), agent, "api", "agent", "test", std::nullopt}));
    Config c;
    c.data_dir = dir_.str();
    c.http = "127.0.0.1:0";
    ChannelConfig crm;
    crm.type = "api";
    crm.name = "crm";
    crm.values = {{"token", "s3cret"}};
    c.channels.push_back(crm);
    server_ = Server::start(c, std::move(store)).value();
  }
  void ingest(const std::string& id) {
    testing_support::HttpClient http(server_->http_port());
    auto r = http.post_json("/webhooks/api/crm",
                            R"({"message_id":")" + id + R"(","text":"hi","from":{"id":"c1"}})");
    ASSERT_EQ(r.status, 200);
  }

  testing_support::TempDir dir_;
  std::string token_;
  std::unique_ptr<Server> server_;
};

TEST_F(LiveTest, HelloThenEventsOfAnIngestAndARetryPushesNothing) {
  LiveClient live(server_->http_port(), "/api/v1/live", token_);
  ASSERT_TRUE(live.ok());
  auto hello = live.next();
  EXPECT_EQ(std::string(hello["type"].GetString()), "hello");
  EXPECT_EQ(std::string(hello["data"]["agent"]["email"].GetString()), "a@example.com");
  ingest("m1");
  auto created = live.next_of("ticket.created");
  EXPECT_EQ(created["data"]["ticket_id"].GetInt64(), 1);
  auto msg = live.next_of("message.created");
  EXPECT_EQ(msg["data"]["message_id"].GetInt64(), 1);
  EXPECT_GT(msg["seq"].GetInt64(), created["seq"].GetInt64());
  ingest("m1");  // a provider retry: nothing new to push
  ingest("m2");
  auto next = live.next();
  EXPECT_EQ(std::string(next["type"].GetString()), "ticket.updated");
  EXPECT_EQ(live.next()["data"]["message_id"].GetInt64(), 2);
}

TEST_F(LiveTest, AnAgentReplyIsPushed) {
  ingest("m1");
  LiveClient live(server_->http_port(), "/api/v1/live", token_);
  ASSERT_EQ(std::string(live.next()["type"].GetString()), "hello");
  testing_support::HttpClient http(server_->http_port());
  auto r = http.request(beast::http::verb::post, "/api/v1/tickets/1/messages", R"({"body":"on it"})",
                        {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token_}});
  ASSERT_EQ(r.status, 201) << r.body;
  auto msg = live.next_of("message.created");
  EXPECT_EQ(std::string(msg["data"]["direction"].GetString()), "out");
  EXPECT_EQ(std::string(msg["data"]["author"].GetString()), "agent");
  EXPECT_EQ(live.next_of("ticket.updated")["data"]["ticket_id"].GetInt64(), 1);
}

TEST_F(LiveTest, WithoutAValidTokenTheUpgradeIsRefused) {
  LiveClient none(server_->http_port(), "/api/v1/live", "");
  EXPECT_FALSE(none.ok());
  LiveClient wrong(server_->http_port(), "/api/v1/live?token=nope", "");
  EXPECT_FALSE(wrong.ok());
  LiveClient by_query(server_->http_port(), "/api/v1/live?token=" + token_, "");
  EXPECT_TRUE(by_query.ok());
}

TEST_F(LiveTest, AReconnectingConsoleGetsWhatItMissedOrResync) {
  std::string epoch;
  int64_t seen = 0;
  {
    LiveClient live(server_->http_port(), "/api/v1/live", token_);
    auto hello = live.next();
    epoch = hello["data"]["epoch"].GetString();
    ingest("m1");
    seen = live.next_of("message.created")["seq"].GetInt64();
  }
  ingest("m2");  // while disconnected
  LiveClient back(server_->http_port(),
                  "/api/v1/live?after=" + std::to_string(seen) + "&epoch=" + epoch, token_);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(std::string(back.next()["type"].GetString()), "hello");
  // What it missed, in order; the agent's own presence (offline, online) interleaves.
  auto next_of_ticket = [&back] {
    auto e = back.next();
    while (std::string(e["type"].GetString()) == "agent.presence") e = back.next();
    return e;
  };
  auto missed = next_of_ticket();
  EXPECT_GT(missed["seq"].GetInt64(), seen);
  EXPECT_EQ(std::string(missed["type"].GetString()), "ticket.updated");
  EXPECT_EQ(next_of_ticket()["data"]["message_id"].GetInt64(), 2);

  LiveClient other_run(server_->http_port(), "/api/v1/live?after=1&epoch=old", token_);
  EXPECT_EQ(std::string(other_run.next()["type"].GetString()), "hello");
  EXPECT_EQ(std::string(other_run.next()["type"].GetString()), "resync");
}

}  // namespace
}  // namespace touchpoint::server
