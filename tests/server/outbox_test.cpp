// Agent replies leave through the outbox: signed callbacks, retries, failures, restarts.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <thread>

#include "../storage/temp_dir.hpp"
#include "protocol/signature.hpp"
#include "server/fake_provider.hpp"
#include "server/http_client.hpp"
#include "server/passwords.hpp"
#include "server/server.hpp"
#include "storage/ticket_reader.hpp"

namespace touchpoint::server {
namespace {

using testing_support::FakeProvider;

class OutboxTest : public testing::Test {
 protected:
  Config config() {
    Config c;
    c.data_dir = dir_.str();
    c.http = "127.0.0.1:0";
    c.outbox_retry_base_seconds = 0;  // retry at once: the test waits on requests, not time
    c.outbox_poll_ms = 20;
    ChannelConfig crm;
    crm.type = "api";
    crm.name = "crm";
    crm.values = {{"token", "s3cret"}, {"callback_url", provider_.url()}};
    c.channels.push_back(crm);
    return c;
  }
  storage::TicketStore open_store() { return storage::TicketStore::open({.data_dir = dir_.str()}).value(); }

  // A customer message and an agent's reply, written straight into the store.
  int64_t reply_in_store(storage::TicketStore& s, const std::string& text, bool internal = false) {
    InboundContact c;
    c.channel_type = "api";
    c.channel_name = "crm";
    c.external_id = "in-" + text;
    c.thread_key = "conv-9";
    c.from = {{"api", "crm:cust-42"}, {"email", "ada@example.com"}};
    c.text = "help";
    auto r = s.record_inbound(c).value();
    if (agent_ == 0) agent_ = s.add_agent({"a@example.com", "A", "agent", "x"}).value();
    return s.add_agent_message(r.ticket_id, AgentMessage::text(text, internal), agent_).value().message_id;
  }

  std::optional<std::string> delivery_status(int64_t message_id, std::optional<std::string>* error = nullptr) {
    auto reader = storage::TicketReader::open(dir_.str()).value();
    for (int64_t t = 1; t < 10; ++t) {
      auto v = reader.ticket(t);
      if (!v) continue;
      for (auto& m : v->messages)
        if (m.id == message_id) {
          if (error) *error = m.delivery_error;
          return m.delivery_status;
        }
    }
    return std::nullopt;
  }

  // The outcome is committed just after the provider answers; wait for that commit (bounded).
  std::optional<std::string> settled_status(int64_t message_id, std::optional<std::string>* error = nullptr) {
    for (int i = 0; i < 2000; ++i) {
      auto s = delivery_status(message_id, error);
      if (s && *s != "queued") return s;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return delivery_status(message_id, error);
  }

  FakeProvider provider_;
  testing_support::TempDir dir_;
  int64_t agent_ = 0;
};

TEST_F(OutboxTest, AReplyIsPostedSignedAndMarkedSentAndANoteIsNeverSent) {
  auto store = open_store();
  reply_in_store(store, "internal only", true);
  int64_t id = reply_in_store(store, "We are on it");
  auto server = Server::start(config(), std::move(store)).value();
  auto got = provider_.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  const auto& req = got[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/out");
  EXPECT_EQ(req.headers.at("X-Touchpoint-Signature"), protocol::touchpoint_signature("s3cret", req.body));
  rapidjson::Document d;
  d.Parse(req.body.c_str());
  EXPECT_EQ(d["message_id"].GetInt64(), id);
  EXPECT_EQ(std::string(d["text"].GetString()), "We are on it");
  EXPECT_EQ(std::string(d["thread"].GetString()), "conv-9");
  EXPECT_EQ(std::string(d["to"]["id"].GetString()), "cust-42");
  EXPECT_EQ(std::string(d["to"]["email"].GetString()), "ada@example.com");
  EXPECT_EQ(settled_status(id), "sent");
  EXPECT_EQ(provider_.count(), 1u);  // the note stayed home
}

TEST_F(OutboxTest, ServerErrorsAreRetriedUntilAcceptedThenSentOnce) {
  provider_.script({{500, "oops"}, {503, "busy"}});
  auto store = open_store();
  int64_t id = reply_in_store(store, "retry me");
  auto server = Server::start(config(), std::move(store)).value();
  auto got = provider_.wait_for(3);
  ASSERT_EQ(got.size(), 3u);
  for (auto& r : got) EXPECT_EQ(r.body, got[0].body);  // the same message each time
  EXPECT_EQ(settled_status(id), "sent");
  server->stop();
  server->wait();
  EXPECT_EQ(provider_.count(), 3u);
}

TEST_F(OutboxTest, AClientErrorFailsTheReplyWithTheProvidersWords) {
  provider_.script({{400, R"({"error":"unknown recipient"})"}});
  auto store = open_store();
  int64_t id = reply_in_store(store, "to nobody");
  auto server = Server::start(config(), std::move(store)).value();
  provider_.wait_for(1);
  std::optional<std::string> error;
  EXPECT_EQ(settled_status(id, &error), "failed");
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("HTTP 400"), std::string::npos);
  EXPECT_NE(error->find("unknown recipient"), std::string::npos);
}

TEST_F(OutboxTest, RepliesLeftPendingByAStoppedServerAreSentAfterRestart) {
  int64_t id;
  {
    auto store = open_store();
    id = reply_in_store(store, "written before the crash");
  }
  {
    // First run: the provider is down (nothing listens), so the reply stays pending.
    Config c = config();
    c.channels[0].values["callback_url"] = "http://127.0.0.1:1/out";
    c.outbox_retry_base_seconds = 3600;
    auto server = Server::start(c, open_store()).value();
    server->stop();
    server->wait();
  }
  EXPECT_EQ(delivery_status(id), "queued");
  auto server = Server::start(config(), open_store()).value();
  ASSERT_EQ(provider_.wait_for(1).size(), 1u);
  EXPECT_EQ(settled_status(id), "sent");
}

TEST_F(OutboxTest, AReplyPostedThroughTheApiReachesTheCallback) {
  auto store = open_store();
  ASSERT_TRUE(store.add_agent({"agent@example.com", "Alex", "agent", hash_password("pw-agent-1")}));
  auto server = Server::start(config(), std::move(store)).value();
  testing_support::HttpClient c(server->http_port());
  auto in = c.post_json("/webhooks/api/crm",
                        R"({"message_id":"m1","text":"Where is it?","from":{"id":"cust-7"}})");
  ASSERT_EQ(in.status, 200);
  auto login = c.request(boost::beast::http::verb::post, "/api/v1/auth/login",
                         R"({"email":"agent@example.com","password":"pw-agent-1"})",
                         {{"Content-Type", "application/json"}});
  ASSERT_EQ(login.status, 200) << login.body;
  rapidjson::Document d;
  d.Parse(login.body.c_str());
  std::string token = d["token"].GetString();
  auto reply = c.request(boost::beast::http::verb::post, "/api/v1/tickets/1/messages",
                         R"({"body":"On its way"})",
                         {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}});
  ASSERT_EQ(reply.status, 201) << reply.body;
  auto got = provider_.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_NE(got[0].body.find(R"("text":"On its way")"), std::string::npos);
  EXPECT_NE(got[0].body.find(R"("to":{"id":"cust-7"})"), std::string::npos);
}

}  // namespace
}  // namespace touchpoint::server
