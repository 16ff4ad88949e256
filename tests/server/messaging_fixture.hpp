#pragma once
// The messaging channels' test fixture: the real server over real sockets with every messaging
// channel configured against one local fake provider, an agent token, and helpers to post
// signed deliveries, reply as the agent and wait for a delivery status.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <atomic>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "../storage/temp_dir.hpp"
#include "protocol/query_string.hpp"
#include "protocol/signature.hpp"
#include "protocol/twilio_webhook.hpp"
#include "server/auth.hpp"
#include "server/fake_provider.hpp"
#include "server/http_client.hpp"
#include "server/server.hpp"
#include "storage/ticket_reader.hpp"

namespace touchpoint::server::testing_messaging {

using testing_support::FakeProvider;
using testing_support::HttpClient;
using testing_support::Reply;
namespace http = boost::beast::http;

inline constexpr const char* kPublicUrl = "https://help.example.com";
inline constexpr const char* kAgentToken = "agent-token-for-messaging-tests";

inline std::string fixture(const std::string& name) {
  std::ifstream in(std::string(TOUCHPOINT_SOURCE_DIR) + "/tests/fixtures/webhooks/" + name,
                   std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string whatsapp_text(const std::string& id, const std::string& from, const std::string& text) {
  return R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages",)"
         R"("value":{"messaging_product":"whatsapp","metadata":{"phone_number_id":"106540352242922"},)"
         R"("contacts":[{"profile":{"name":"Sheena Nelson"},"wa_id":")" + from + R"("}],)"
         R"("messages":[{"from":")" + from + R"(","id":")" + id + R"(","timestamp":"1749416383",)"
         R"("type":"text","text":{"body":")" + text + R"("}}]}}]}]})";
}

inline std::string whatsapp_status(const std::string& id, const std::string& status) {
  return R"({"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{)"
         R"("metadata":{"phone_number_id":"106540352242922"},"statuses":[{"id":")" + id +
         R"(","status":")" + status + R"(","timestamp":"1"}]}}]}]})";
}

class MessagingTest : public testing::Test {
 protected:
  void SetUp() override {
    {
      auto store = storage::TicketStore::open({.data_dir = dir_.str()}).value();
      int64_t agent = store.add_agent({"agent@example.com", "Alex", "agent", "x"}).value();
      ASSERT_TRUE(store.create_token({token_hash(kAgentToken), agent, "api", "agent", "tests", std::nullopt}));
    }
    Config c;
    c.data_dir = dir_.str();
    c.http = "127.0.0.1:0";
    c.public_url = kPublicUrl;
    c.outbox_retry_base_seconds = 0;
    c.outbox_poll_ms = 20;
    auto channel = [&](std::string type, std::string name, std::map<std::string, std::string> values) {
      ChannelConfig ch;
      ch.type = std::move(type);
      ch.name = std::move(name);
      ch.values = std::move(values);
      ch.values["api_base"] = provider_.url("/graph");
      c.channels.push_back(ch);
    };
    channel("whatsapp", "wa", {{"phone_number_id", "106540352242922"}, {"access_token", "WA-TOKEN"},
                               {"app_secret", "test_app_secret"}, {"verify_token", "vibecoding"}});
    channel("messenger", "fb", {{"page_id", "1234567890"}, {"page_access_token", "PAGE-TOKEN"},
                                {"app_secret", "fb_secret"}, {"verify_token", "v"}});
    channel("telegram", "tg", {{"bot_token", "123:ABC"}, {"secret_token", "s3cr3t_Token-1"}});
    channel("twilio", "sms", {{"account_sid", "AC1"}, {"auth_token", "12345"}, {"from", "+12028831111"}});
    c.channels[0].templates = {{"order_update", "it", "Ciao {{1}}, novità sul tuo ordine {{2}}.", ""}};
    configure(c);
    // The store's clock runs skew_ seconds ahead, so a test can step past a messaging window.
    auto store = storage::TicketStore::open(
        {.data_dir = dir_.str(), .now = [this] { return storage::system_clock_now() + skew_.load(); }});
    server_ = Server::start(c, std::move(store).value()).value();
  }

  virtual void configure(Config&) {}

  Reply post(const std::string& target, const std::string& body,
             std::map<std::string, std::string> headers) {
    HttpClient client(server_->http_port());
    return client.request(http::verb::post, target, body, std::move(headers));
  }
  Reply post_whatsapp(const std::string& body, std::string secret = "test_app_secret") {
    return post("/webhooks/whatsapp/wa", body,
                {{"Content-Type", "application/json"},
                 {"X-Hub-Signature-256", "sha256=" + protocol::hmac_sha256_hex(secret, body)}});
  }
  Reply post_twilio(const std::string& form) {
    auto params = protocol::parse_form(form).value();
    return post("/webhooks/twilio/sms", form,
                {{"Content-Type", "application/x-www-form-urlencoded"},
                 {"X-Twilio-Signature",
                  protocol::twilio_signature("12345", std::string(kPublicUrl) + "/webhooks/twilio/sms", params)}});
  }
  Reply reply(int64_t ticket, const std::string& body) {
    HttpClient client(server_->http_port());
    return client.request(http::verb::post, "/api/v1/tickets/" + std::to_string(ticket) + "/messages",
                          R"({"body":")" + body + R"("})",
                          {{"Content-Type", "application/json"}, {"Authorization", std::string("Bearer ") + kAgentToken}});
  }

  storage::TicketReader reader() { return storage::TicketReader::open(dir_.str()).value(); }
  std::size_t message_count() {
    std::size_t n = 0;
    auto r = reader();
    for (int64_t t = 1; t < 20; ++t)
      if (auto v = r.ticket(t)) n += v->messages.size();
    return n;
  }
  // The delivery_status of a message once it equals want (bounded wait), or what it is then.
  std::optional<std::string> status_of(int64_t ticket, int64_t message, const std::string& want,
                                       std::optional<std::string>* error = nullptr) {
    std::optional<std::string> last;
    for (int i = 0; i < 2000; ++i) {
      auto v = reader().ticket(ticket);
      for (auto& m : v->messages)
        if (m.id == message) {
          last = m.delivery_status;
          if (error) *error = m.delivery_error;
        }
      if (last == want) return last;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return last;
  }
  static int64_t id_of(const Reply& r, const char* key) {
    rapidjson::Document d;
    d.Parse(r.body.c_str());
    return d[key].GetInt64();
  }

  // A call to the agents' API with the agent's token.
  Reply agent_call(http::verb method, const std::string& target, const std::string& body = "") {
    HttpClient client(server_->http_port());
    return client.request(method, target, body,
                          {{"Content-Type", "application/json"}, {"Authorization", std::string("Bearer ") + kAgentToken}});
  }
  Reply agent_post(const std::string& target, const std::string& body) {
    return agent_call(http::verb::post, target, body);
  }

  std::atomic<int64_t> skew_{0};
  FakeProvider provider_;
  testing_support::TempDir dir_;
  std::unique_ptr<Server> server_;
};

}  // namespace touchpoint::server::testing_messaging
