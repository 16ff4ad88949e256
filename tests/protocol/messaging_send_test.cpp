// What we send to messaging providers, the rules checked before a reply is queued, and how
// each provider's answer becomes sent / retry / failed.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "protocol/messaging.hpp"
#include "protocol/messaging_send.hpp"
#include "protocol/reply_rules.hpp"

namespace touchpoint::protocol {
namespace {

OutboundItem item(std::string thread, std::string body) {
  OutboundItem i;
  i.message_id = 7;
  i.thread = std::move(thread);
  i.body = std::move(body);
  return i;
}

TEST(CheckReply, EnforcesTheTwentyFourHourWindowWhereProvidersDo) {
  const int64_t now = 1'000'000;
  for (const char* type : {"whatsapp", "messenger", "instagram"}) {
    EXPECT_TRUE(check_reply(type, "x", "hi", now - 3600, now)) << type;
    auto late = check_reply(type, "x", "hi", now - 25 * 3600, now);
    ASSERT_FALSE(late) << type;
    EXPECT_EQ(late.error().code, Errc::unprocessable);
    EXPECT_NE(late.error().message.find("24 hours"), std::string::npos);
    EXPECT_FALSE(check_reply(type, "x", "hi", std::nullopt, now)) << type;
  }
  EXPECT_FALSE(check_reply("twilio", "whatsapp:+1555", "hi", now - 25 * 3600, now));
  EXPECT_TRUE(check_reply("twilio", "+1555", "hi", now - 25 * 3600, now));  // SMS has no window
  EXPECT_TRUE(check_reply("telegram", "23", "hi", std::nullopt, now));
  EXPECT_TRUE(check_reply("api", "", std::string(100000, 'a'), std::nullopt, now));
}

TEST(CheckReply, RefusesTextLongerThanTheProviderTakesCountingCharactersNotBytes) {
  const int64_t now = 1000;
  std::string accented;
  for (int i = 0; i < 1600; ++i) accented += "è";  // 3200 bytes, 1600 characters
  EXPECT_TRUE(check_reply("twilio", "+1555", accented, now, now));
  auto over = check_reply("twilio", "+1555", accented + "e", now, now);
  ASSERT_FALSE(over);
  EXPECT_NE(over.error().message.find("1601"), std::string::npos);
  EXPECT_FALSE(check_reply("messenger", "u", std::string(2001, 'a'), now, now));
  EXPECT_TRUE(check_reply("whatsapp", "u", std::string(4096, 'a'), now, now));
}

TEST(DeliveryStatus, MovesOnlyForward) {
  EXPECT_TRUE(delivery_moves_forward("queued", "sent"));
  EXPECT_TRUE(delivery_moves_forward("sent", "read"));
  EXPECT_FALSE(delivery_moves_forward("read", "delivered"));
  EXPECT_FALSE(delivery_moves_forward("delivered", "delivered"));
  EXPECT_TRUE(delivery_moves_forward("sent", "failed"));
  EXPECT_FALSE(delivery_moves_forward("failed", "read"));
  EXPECT_FALSE(delivery_moves_forward("read", "failed"));
}

TEST(WhatsAppSend, BuildsTheCloudApiTextMessage) {
  auto r = whatsapp_send(item("16505551234", "Ciao \"Ada\""), "106540352242922", "EAAG");
  EXPECT_EQ(r.path, "/106540352242922/messages");
  EXPECT_EQ(r.headers.at(0).second, "Bearer EAAG");
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  EXPECT_STREQ(d["messaging_product"].GetString(), "whatsapp");
  EXPECT_STREQ(d["to"].GetString(), "16505551234");
  EXPECT_STREQ(d["text"]["body"].GetString(), "Ciao \"Ada\"");
  auto bsuid = whatsapp_send(item("IN.2081978709342942", "x"), "1", "t");
  d.Parse(bsuid.body.c_str());
  EXPECT_TRUE(d.HasMember("recipient"));
  EXPECT_FALSE(d.HasMember("to"));
}

TEST(WhatsAppSend, ReadsTheIdAndRetriesOnlyRateLimits) {
  auto ok = whatsapp_outcome(200, R"({"messaging_product":"whatsapp","messages":[{"id":"wamid.X"}]})", "");
  EXPECT_EQ(ok.kind, DeliveryKind::sent);
  EXPECT_EQ(ok.provider_id, "wamid.X");
  auto rate = whatsapp_outcome(400, R"({"error":{"message":"pair rate limit hit","code":131056}})", "");
  EXPECT_EQ(rate.kind, DeliveryKind::retry);
  auto bad = whatsapp_outcome(400, R"({"error":{"message":"Invalid parameter","code":100}})", "");
  EXPECT_EQ(bad.kind, DeliveryKind::failed);
  EXPECT_EQ(bad.error, "(#100) Invalid parameter");
  EXPECT_EQ(whatsapp_outcome(0, "", "connect: refused").kind, DeliveryKind::retry);
  EXPECT_EQ(whatsapp_outcome(503, "", "").kind, DeliveryKind::retry);
}

TEST(MessengerSend, PutsTheTokenAndProofInTheQuery) {
  auto r = meta_messaging_send(item("PSID", "hello"), "PAGE", "tok en", "secret");
  EXPECT_EQ(r.path.rfind("/PAGE/messages?access_token=tok%20en&appsecret_proof=", 0), 0u);
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  EXPECT_STREQ(d["recipient"]["id"].GetString(), "PSID");
  EXPECT_STREQ(d["messaging_type"].GetString(), "RESPONSE");
  auto ok = meta_messaging_outcome(200, R"({"recipient_id":"PSID","message_id":"m_1"})", "");
  EXPECT_EQ(ok.provider_id, "m_1");
  auto window = meta_messaging_outcome(
      400, R"({"error":{"message":"(#10) This message is sent outside of allowed window.","code":10,"error_subcode":2018278}})", "");
  EXPECT_EQ(window.kind, DeliveryKind::failed);
}

TEST(TelegramSend, SendsToTheChatAndReadsOkFalse) {
  auto r = telegram_send(item("23", "hi"), "123:ABC");
  EXPECT_EQ(r.path, "/bot123:ABC/sendMessage");
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  EXPECT_EQ(d["chat_id"].GetInt64(), 23);
  auto ok = telegram_outcome(200, R"({"ok":true,"result":{"message_id":57,"chat":{"id":23}}})", "");
  EXPECT_EQ(ok.provider_id, "23:57");
  auto blocked = telegram_outcome(403, R"({"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"})", "");
  EXPECT_EQ(blocked.kind, DeliveryKind::failed);
  EXPECT_EQ(blocked.error, "403 Forbidden: bot was blocked by the user");
  EXPECT_EQ(telegram_outcome(429, R"({"ok":false,"error_code":429,"parameters":{"retry_after":3}})", "").kind,
            DeliveryKind::retry);
}

TEST(TwilioSend, PostsAFormWithBasicAuthAndTheStatusCallback) {
  auto r = twilio_send(item("whatsapp:+14133881111", "a b&c"), "AC1", "tok", "+12028831111",
                       "https://help.example.com/webhooks/twilio/sms");
  EXPECT_EQ(r.path, "/2010-04-01/Accounts/AC1/Messages.json");
  EXPECT_EQ(r.content_type, "application/x-www-form-urlencoded");
  EXPECT_EQ(r.headers.at(0).second, "Basic QUMxOnRvaw==");
  EXPECT_EQ(r.body,
            "To=whatsapp%3A%2B14133881111&From=whatsapp%3A%2B12028831111&Body=a%20b%26c"
            "&StatusCallback=https%3A%2F%2Fhelp.example.com%2Fwebhooks%2Ftwilio%2Fsms");
  auto ok = twilio_outcome(201, R"({"sid":"SM29f4","status":"queued"})", "");
  EXPECT_EQ(ok.provider_id, "SM29f4");
  auto bad = twilio_outcome(400, R"({"code":21211,"message":"The 'To' number is not valid.","status":400})", "");
  EXPECT_EQ(bad.kind, DeliveryKind::failed);
  EXPECT_EQ(bad.error, "Twilio error 21211: The 'To' number is not valid.");
}

TEST(SubjectFromText, TakesTheFirstLineAndNeverCutsACharacter) {
  EXPECT_EQ(subject_from_text("\n  Hello\nworld"), "Hello");
  EXPECT_EQ(subject_from_text(""), "(no text)");
  std::string long_text;
  for (int i = 0; i < 100; ++i) long_text += "é";
  std::string s = subject_from_text(long_text);
  EXPECT_EQ(count_characters(s), 81u);  // 80 and the ellipsis
}

}  // namespace
}  // namespace touchpoint::protocol
