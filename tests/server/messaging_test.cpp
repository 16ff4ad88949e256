// The messaging channels end to end on the real server over real sockets: each provider's
// verification, ingestion of its payloads, replies sent to a local fake of the provider that
// checks path, auth and body, and receipts moving delivery_status forward.
#include "server/messaging_fixture.hpp"

#include <functional>
#include <future>

namespace touchpoint::server {
namespace {

using namespace testing_messaging;
using testing_support::HttpClient;
namespace http = boost::beast::http;

TEST_F(MessagingTest, WhatsAppHandshakeEchoesTheChallengeOnlyForTheVerifyToken) {
  HttpClient c(server_->http_port());
  auto ok = c.get("/webhooks/whatsapp/wa?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=vibecoding");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "1158201444");
  EXPECT_EQ(c.get("/webhooks/whatsapp/wa?hub.mode=subscribe&hub.challenge=1&hub.verify_token=nope").status, 403);
  EXPECT_EQ(c.get("/webhooks/whatsapp/nosuch?hub.mode=subscribe&hub.challenge=1&hub.verify_token=vibecoding").status, 404);
}

TEST_F(MessagingTest, WhatsAppForgedTamperedOrUnsignedDeliveriesAre401AndStoreNothing) {
  std::string body = fixture("whatsapp_text.json");
  EXPECT_EQ(post_whatsapp(body, "wrong_secret").status, 401);
  std::string signature = "sha256=" + protocol::hmac_sha256_hex("test_app_secret", body);
  std::string tampered = body;
  tampered[body.find("another")] = 'A';
  EXPECT_EQ(post("/webhooks/whatsapp/wa", tampered, {{"X-Hub-Signature-256", signature}}).status, 401);
  EXPECT_EQ(post("/webhooks/whatsapp/wa", body, {}).status, 401);
  EXPECT_EQ(message_count(), 0u);
  // The recorded delivery with Meta's published signature is accepted as it is.
  auto ok = post("/webhooks/whatsapp/wa", body,
                 {{"X-Hub-Signature-256",
                   "sha256=ded1d1d9621cffa39832ccf2b330fa476b4dc8ec2a5d102e1e554312b3f21d42"}});
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(message_count(), 1u);
}

TEST_F(MessagingTest, ThreeConcurrentRedeliveriesStoreOneMessage) {
  std::string body = whatsapp_text("wamid.same", "393331234567", "Dov'è il mio ordine?");
  std::vector<std::future<int>> sends;
  for (int i = 0; i < 3; ++i)
    sends.push_back(std::async(std::launch::async, [&] { return post_whatsapp(body).status; }));
  for (auto& s : sends) EXPECT_EQ(s.get(), 200);
  EXPECT_EQ(message_count(), 1u);
}

TEST_F(MessagingTest, AValidButUnsupportedEventIs200AndStoresNothing) {
  std::string body = R"({"object":"whatsapp_business_account","entry":[{"changes":[{"field":"account_update","value":{}}]}]})";
  EXPECT_EQ(post_whatsapp(body).status, 200);
  EXPECT_EQ(message_count(), 0u);
}

TEST_F(MessagingTest, AWhatsAppReplyIsSentWithTheTokenAndItsReceiptsMoveOnlyForward) {
  ASSERT_EQ(post_whatsapp(whatsapp_text("wamid.in1", "16505551234", "Does it come in red?")).status, 200);
  provider_.script({{200, R"({"messaging_product":"whatsapp","contacts":[{"wa_id":"16505551234"}],"messages":[{"id":"wamid.OUT1"}]})"}});
  auto r = reply(1, "Yes, in red too");
  ASSERT_EQ(r.status, 201) << r.body;
  int64_t message = id_of(r, "message_id");
  auto got = provider_.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].target, "/graph/106540352242922/messages");
  EXPECT_EQ(got[0].headers.at("Authorization"), "Bearer WA-TOKEN");
  rapidjson::Document d;
  d.Parse(got[0].body.c_str());
  EXPECT_STREQ(d["to"].GetString(), "16505551234");
  EXPECT_STREQ(d["text"]["body"].GetString(), "Yes, in red too");
  EXPECT_EQ(status_of(1, message, "sent"), "sent");

  ASSERT_EQ(post_whatsapp(whatsapp_status("wamid.OUT1", "read")).status, 200);
  EXPECT_EQ(status_of(1, message, "read"), "read");
  ASSERT_EQ(post_whatsapp(whatsapp_status("wamid.OUT1", "delivered")).status, 200);  // late, older
  EXPECT_EQ(status_of(1, message, "read"), "read");
}

TEST_F(MessagingTest, AFailedStatusCarriesTheProvidersError) {
  ASSERT_EQ(post_whatsapp(whatsapp_text("wamid.in2", "16505551234", "hello")).status, 200);
  provider_.script({{200, R"({"messages":[{"id":"wamid.OUT2"}]})"}});
  int64_t message = id_of(reply(1, "Hi"), "message_id");
  ASSERT_EQ(status_of(1, message, "sent"), "sent");
  std::string failed = R"({"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{)"
                       R"("metadata":{"phone_number_id":"106540352242922"},"statuses":[{"id":"wamid.OUT2","status":"failed",)"
                       R"("errors":[{"code":131026,"title":"Message undeliverable"}]}]}}]}]})";
  ASSERT_EQ(post_whatsapp(failed).status, 200);
  std::optional<std::string> error;
  EXPECT_EQ(status_of(1, message, "failed", &error), "failed");
  EXPECT_EQ(error, "131026: Message undeliverable");
}

TEST_F(MessagingTest, AReplyLongerThanTheProviderTakesIsRefusedNotCut) {
  ASSERT_EQ(post_twilio(fixture("twilio_sms.form")).status, 200);
  auto r = reply(1, std::string(1601, 'a'));
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("1600"), std::string::npos);
  EXPECT_EQ(message_count(), 1u);
  EXPECT_EQ(provider_.count(), 0u);
}

TEST_F(MessagingTest, TwilioSmsInSignedReplyOutAsAFormAndStatusCallbacksApply) {
  auto in = post_twilio(fixture("twilio_sms.form"));
  ASSERT_EQ(in.status, 200);
  EXPECT_EQ(in.headers["Content-Type"], "text/xml");
  EXPECT_NE(in.body.find("<Response>"), std::string::npos);

  std::string form = fixture("twilio_sms.form");
  auto params = protocol::parse_form(form).value();
  EXPECT_EQ(post("/webhooks/twilio/sms", form + "&Extra=1",
                 {{"X-Twilio-Signature", protocol::twilio_signature(
                                             "12345", std::string(kPublicUrl) + "/webhooks/twilio/sms", params)}})
                .status,
            401);

  provider_.script({{201, R"({"sid":"SMout1","status":"queued"})"}});
  int64_t message = id_of(reply(1, "Thanks, on it"), "message_id");
  auto got = provider_.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].target, "/graph/2010-04-01/Accounts/AC1/Messages.json");
  EXPECT_EQ(got[0].headers.at("Authorization"), "Basic QUMxOjEyMzQ1");
  EXPECT_EQ(got[0].body, "To=%2B14133881111&From=%2B12028831111&Body=Thanks%2C%20on%20it"
                         "&StatusCallback=https%3A%2F%2Fhelp.example.com%2Fwebhooks%2Ftwilio%2Fsms");
  ASSERT_EQ(status_of(1, message, "sent"), "sent");
  ASSERT_EQ(post_twilio("MessageSid=SMout1&MessageStatus=undelivered&ErrorCode=30003").status, 200);
  std::optional<std::string> error;
  EXPECT_EQ(status_of(1, message, "failed", &error), "failed");
  EXPECT_EQ(error, "Twilio error 30003");
}

TEST_F(MessagingTest, TheSamePhoneOnSmsAndWhatsAppIsOneCustomer) {
  ASSERT_EQ(post_twilio(fixture("twilio_sms.form")).status, 200);  // From +14133881111
  ASSERT_EQ(post_whatsapp(whatsapp_text("wamid.p", "14133881111", "also me")).status, 200);
  auto r = reader();
  auto sms = r.ticket(1), wa = r.ticket(2);
  ASSERT_TRUE(sms);
  ASSERT_TRUE(wa);
  EXPECT_EQ(sms->ticket.customer_id, wa->ticket.customer_id);
  EXPECT_EQ(wa->ticket.channel_type, "whatsapp");  // one open ticket per customer and channel account
}

TEST_F(MessagingTest, TelegramNeedsTheSecretHeaderAndRepliesGoToTheChat) {
  std::string body = fixture("telegram_text.json");
  EXPECT_EQ(post("/webhooks/telegram/tg", body, {{"X-Telegram-Bot-Api-Secret-Token", "wrong"}}).status, 401);
  EXPECT_EQ(post("/webhooks/telegram/tg", body, {}).status, 401);
  EXPECT_EQ(message_count(), 0u);
  ASSERT_EQ(post("/webhooks/telegram/tg", body, {{"X-Telegram-Bot-Api-Secret-Token", "s3cr3t_Token-1"}}).status, 200);
  provider_.script({{200, R"({"ok":true,"result":{"message_id":57,"chat":{"id":23}}})"}});
  int64_t message = id_of(reply(1, "Hello Sojan"), "message_id");
  auto got = provider_.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].target, "/graph/bot123:ABC/sendMessage");
  rapidjson::Document d;
  d.Parse(got[0].body.c_str());
  EXPECT_EQ(d["chat_id"].GetInt64(), 23);
  EXPECT_EQ(status_of(1, message, "sent"), "sent");
}

TEST_F(MessagingTest, MessengerRepliesCarryThePageTokenAndDeliveriesApply) {
  std::string body = fixture("messenger_text.json");
  auto signed_post = [&](const std::string& b) {
    return post("/webhooks/messenger/fb", b,
                {{"X-Hub-Signature-256", "sha256=" + protocol::hmac_sha256_hex("fb_secret", b)}});
  };
  ASSERT_EQ(signed_post(body).status, 200);
  provider_.script({{200, R"({"recipient_id":"5678","message_id":"m_OUT"})"}});
  int64_t message = id_of(reply(1, "Hi there"), "message_id");
  auto got = provider_.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].target.rfind("/graph/1234567890/messages?access_token=PAGE-TOKEN&appsecret_proof=", 0), 0u)
      << got[0].target;
  ASSERT_EQ(status_of(1, message, "sent"), "sent");
  ASSERT_EQ(signed_post(R"({"object":"page","entry":[{"id":"1234567890","messaging":[{"sender":{"id":"5678"},)"
                        R"("recipient":{"id":"1234567890"},"delivery":{"mids":["m_OUT"],"watermark":1}}]}]})")
                .status,
            200);
  EXPECT_EQ(status_of(1, message, "delivered"), "delivered");
}

TEST_F(MessagingTest, OutsideTheWindowWhatsAppTakesAnApprovedTemplateAndTheTicketShowsItsText) {
  ASSERT_EQ(post_whatsapp(whatsapp_text("wamid.in9", "16505551234", "Where is my order?")).status, 200);
  skew_ = 2 * 24 * 3600;
  auto plain = reply(1, "It ships tomorrow");
  ASSERT_EQ(plain.status, 422) << plain.body;
  EXPECT_NE(plain.body.find("template"), std::string::npos);

  HttpClient client(server_->http_port());
  auto listed = client.request(http::verb::get, "/api/v1/templates", "",
                               {{"Authorization", std::string("Bearer ") + kAgentToken}});
  ASSERT_EQ(listed.status, 200);
  EXPECT_NE(listed.body.find(R"("channel":"wa","name":"order_update","language":"it")"), std::string::npos)
      << listed.body;
  EXPECT_NE(listed.body.find(R"("parameters":2)"), std::string::npos);

  auto unknown = agent_post("/api/v1/tickets/1/messages", R"({"template":{"name":"nope"}})");
  EXPECT_EQ(unknown.status, 422) << unknown.body;
  provider_.script({{200, R"({"messages":[{"id":"wamid.T1"}]})"}});
  auto sent = agent_post("/api/v1/tickets/1/messages",
                         R"({"template":{"name":"order_update","parameters":["Ada","#42"]}})");
  ASSERT_EQ(sent.status, 201) << sent.body;
  auto got = provider_.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  rapidjson::Document d;
  d.Parse(got[0].body.c_str());
  EXPECT_STREQ(d["type"].GetString(), "template");
  EXPECT_STREQ(d["template"]["name"].GetString(), "order_update");
  EXPECT_STREQ(d["template"]["language"]["code"].GetString(), "it");
  EXPECT_STREQ(d["template"]["components"][0]["parameters"][1]["text"].GetString(), "#42");
  int64_t message = id_of(sent, "message_id");
  EXPECT_EQ(status_of(1, message, "sent"), "sent");
  auto view = client.request(http::verb::get, "/api/v1/tickets/1", "",
                             {{"Authorization", std::string("Bearer ") + kAgentToken}});
  EXPECT_NE(view.body.find(R"("body":"Ciao Ada, novità sul tuo ordine #42.")"), std::string::npos)
      << view.body;
  EXPECT_NE(view.body.find(R"("send_options":{"template":{"name":"order_update")"), std::string::npos);
  EXPECT_EQ(message_count(), 2u);  // the refused replies left nothing behind
}

TEST_F(MessagingTest, OutsideTheWindowMessengerTakesAHumanAgentTaggedReplyForSevenDays) {
  std::string body = fixture("messenger_text.json");
  ASSERT_EQ(post("/webhooks/messenger/fb", body,
                 {{"X-Hub-Signature-256", "sha256=" + protocol::hmac_sha256_hex("fb_secret", body)}})
                .status,
            200);
  skew_ = 3 * 24 * 3600;
  EXPECT_EQ(reply(1, "Still on it").status, 422);
  provider_.script({{200, R"({"recipient_id":"5678","message_id":"m_TAG"})"}});
  auto r = agent_post("/api/v1/tickets/1/messages", R"({"body":"Still on it","tag":"HUMAN_AGENT"})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto got = provider_.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  rapidjson::Document d;
  d.Parse(got[0].body.c_str());
  EXPECT_STREQ(d["messaging_type"].GetString(), "MESSAGE_TAG");
  EXPECT_STREQ(d["tag"].GetString(), "HUMAN_AGENT");
  skew_ = 8 * 24 * 3600;
  auto late = agent_post("/api/v1/tickets/1/messages", R"({"body":"Hello?","tag":"HUMAN_AGENT"})");
  EXPECT_EQ(late.status, 422) << late.body;
}

std::string whatsapp_image(const std::string& id, const std::string& media_id) {
  return R"({"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{)"
         R"("metadata":{"phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"T"},"wa_id":"972987654321"}],)"
         R"("messages":[{"from":"972987654321","id":")" + id + R"(","timestamp":"1697043379","type":"image",)"
         R"("image":{"mime_type":"image/jpeg","sha256":"x","id":")" + media_id + R"(","caption":"the box"}}]}}]}]})";
}

TEST_F(MessagingTest, WhatsAppMediaIsDownloadedWithTheTokenAfterTheAck) {
  provider_.script({{200, R"({"url":")" + provider_.url("/cdn/photo.jpg") + R"(","mime_type":"image/jpeg"})"},
                    {200, std::string("\xFF\xD8\xFF\xE0 jpeg bytes", 15)}});
  ASSERT_EQ(post_whatsapp(whatsapp_image("wamid.img1", "65463453")).status, 200);
  auto got = provider_.wait_for(2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].method, "GET");
  EXPECT_EQ(got[0].target, "/graph/65463453");
  EXPECT_EQ(got[0].headers.at("Authorization"), "Bearer WA-TOKEN");
  EXPECT_EQ(got[1].target, "/cdn/photo.jpg");
  EXPECT_EQ(got[1].headers.at("Authorization"), "Bearer WA-TOKEN");
  std::vector<AttachmentRow> files;
  for (int i = 0; i < 2000 && files.empty(); ++i) {
    files = reader().ticket(1)->messages.at(0).attachments;
    if (files.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].content_type, "image/jpeg");
  EXPECT_EQ(files[0].size, 15);
  EXPECT_EQ(files[0].filename, "image-1.jpg");
  EXPECT_EQ(reader().ticket(1)->messages.at(0).body, "[image] the box");
}

TEST_F(MessagingTest, AMediaDownloadThatFailsRetriesAndARefusalIsRecorded) {
  provider_.script({{503, "busy"}, {200, R"({"url":")" + provider_.url("/cdn/a.jpg") + R"("})"}, {200, "bytes"},
                    {404, R"({"error":{"message":"gone"}})"}});
  ASSERT_EQ(post_whatsapp(whatsapp_image("wamid.img2", "111")).status, 200);
  ASSERT_EQ(provider_.wait_for(3).size(), 3u);  // 503, then resolved and fetched
  ASSERT_EQ(post_whatsapp(whatsapp_image("wamid.img3", "222")).status, 200);
  ASSERT_EQ(provider_.wait_for(4).size(), 4u);
  bool failed_event = false;
  for (int i = 0; i < 2000 && !failed_event; ++i) {
    auto view = reader().ticket(1);
    for (auto& e : view->events) failed_event |= e.type == "message.media_failed";
    if (!failed_event) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_TRUE(failed_event);
  auto messages = reader().ticket(1)->messages;
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].attachments.size(), 1u);
  EXPECT_EQ(messages[1].attachments.size(), 0u);
  EXPECT_EQ(provider_.count(), 4u);  // the refusal is not retried
}

TEST_F(MessagingTest, TelegramPhotosAreResolvedThroughGetFile) {
  provider_.script({{200, R"({"ok":true,"result":{"file_id":"x","file_path":"photos/file_1.jpg"}})"},
                    {200, "png bytes"}});
  ASSERT_EQ(post("/webhooks/telegram/tg", fixture("telegram_photo.json"),
                 {{"X-Telegram-Bot-Api-Secret-Token", "s3cr3t_Token-1"}})
                .status,
            200);
  auto got = provider_.wait_for(2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].target,
            "/graph/bot123:ABC/getFile?file_id=AgACAgUAAxkBAAODYV3aGZlD6vhzKsE2WNmblsr6zKwAAi-tMRvCoeBWNQ1ENVBzJdwBAAMCAANzAAMhBA");
  EXPECT_EQ(got[1].target, "/graph/file/bot123:ABC/photos/file_1.jpg");
}

// Satisfaction surveys as a conversation in each messaging channel, against the fake provider:
// question out, score in, "why?" out, comment in, thanks out; the ticket stays solved and no
// other ticket starts.
class MessagingSurveyTest : public MessagingTest {
 protected:
  void configure(Config& c) override {
    protocol::SurveySettings s;
    s.delay_seconds = 0;  // due as soon as the ticket is solved
    c.survey = s;
  }
  void converse(const std::function<void(const std::string& id, const std::string& text)>& say) {
    say("in-1", "my order is late");
    auto solved = agent_call(http::verb::patch, "/api/v1/tickets/1", R"({"status":"solved"})");
    ASSERT_EQ(solved.status, 200) << solved.body;
    auto got = provider_.wait_for(1);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_NE(got[0].body.find("number"), std::string::npos) << got[0].body;
    say("in-2", "4");
    got = provider_.wait_for(2);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_NE(got[1].body.find("reason"), std::string::npos) << got[1].body;
    say("in-3", "Quick");
    got = provider_.wait_for(3);
    ASSERT_EQ(got.size(), 3u);
    EXPECT_NE(got[2].body.find("feedback"), std::string::npos) << got[2].body;
    auto v = reader().ticket(1).value();
    EXPECT_EQ(v.ticket.status, "solved");
    EXPECT_NE(v.ticket.survey.find(R"("status":"answered")"), std::string::npos) << v.ticket.survey;
    EXPECT_NE(v.ticket.survey.find(R"("score":4)"), std::string::npos) << v.ticket.survey;
    EXPECT_NE(v.ticket.survey.find(R"("comment":"Quick")"), std::string::npos) << v.ticket.survey;
    EXPECT_FALSE(reader().ticket(2)) << "no new ticket";
  }
};

TEST_F(MessagingSurveyTest, WhatsApp) {
  converse([this](const std::string& id, const std::string& text) {
    ASSERT_EQ(post_whatsapp(whatsapp_text("wamid." + id, "16505551234", text)).status, 200);
  });
}

TEST_F(MessagingSurveyTest, TwilioSms) {
  converse([this](const std::string& id, const std::string& text) {
    ASSERT_EQ(post_twilio("MessageSid=SM" + id + "&AccountSid=AC1&From=%2B14133881111&To=%2B12028831111&Body=" +
                          protocol::form_escape(text) + "&NumMedia=0").status, 200);
  });
}

TEST_F(MessagingSurveyTest, Telegram) {
  int update = 100;
  converse([this, &update](const std::string&, const std::string& text) {
    ++update;
    std::string body = R"({"update_id":)" + std::to_string(update) + R"(,"message":{"message_id":)" +
                       std::to_string(update) + R"(,"from":{"id":23,"is_bot":false,"first_name":"Sojan"},)"
                       R"("chat":{"id":23,"type":"private"},"date":1631132077,"text":")" + text + R"("}})";
    ASSERT_EQ(post("/webhooks/telegram/tg", body, {{"Content-Type", "application/json"},
                                                    {"X-Telegram-Bot-Api-Secret-Token", "s3cr3t_Token-1"}}).status, 200);
  });
}

TEST_F(MessagingSurveyTest, TelegramAsksInTheLanguageTheCustomersAppStates) {
  std::string body = R"({"update_id":500,"message":{"message_id":500,"from":{"id":42,"is_bot":false,)"
                     R"("first_name":"Giulia","language_code":"it"},"chat":{"id":42,"type":"private"},)"
                     R"("date":1631132077,"text":"il pacco non arriva"}})";
  ASSERT_EQ(post("/webhooks/telegram/tg", body, {{"Content-Type", "application/json"},
                                                  {"X-Telegram-Bot-Api-Secret-Token", "s3cr3t_Token-1"}}).status, 200);
  auto solved = agent_call(http::verb::patch, "/api/v1/tickets/1", R"({"status":"solved"})");
  ASSERT_EQ(solved.status, 200) << solved.body;
  auto got = provider_.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_NE(got[0].body.find("Rispondi con un numero da 1"), std::string::npos) << got[0].body;
  auto customer = agent_call(http::verb::get,
                             "/api/v1/customers/" + std::to_string(reader().ticket(1)->ticket.customer_id));
  EXPECT_NE(customer.body.find(R"("language":"it")"), std::string::npos) << customer.body;
}

}  // namespace
}  // namespace touchpoint::server
