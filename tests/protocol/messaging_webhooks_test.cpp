// Provider webhooks: the published test vectors (channels.md §10), real recorded payloads, and
// the batch, media, receipt and edge cases each parser must get right.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "protocol/meta_webhook.hpp"
#include "protocol/query_string.hpp"
#include "protocol/signature.hpp"
#include "protocol/telegram_webhook.hpp"
#include "protocol/twilio_webhook.hpp"

namespace touchpoint::protocol {
namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(TOUCHPOINT_FIXTURES) + "/webhooks/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(MetaSignature, MatchesThePublishedVectorAndRejectsEveryTamper) {
  EXPECT_EQ(hmac_sha256_hex("secret", "test"),
            "0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914");
  std::string body = fixture("whatsapp_text.json");
  ASSERT_EQ(body.size(), 499u);
  const std::string good = "sha256=ded1d1d9621cffa39832ccf2b330fa476b4dc8ec2a5d102e1e554312b3f21d42";
  EXPECT_TRUE(verify_meta_signature("test_app_secret", body, good));
  std::string flipped = body;
  flipped[100] ^= 1;
  EXPECT_FALSE(verify_meta_signature("test_app_secret", flipped, good));
  std::string upper = good;
  for (std::size_t i = 7; i < upper.size(); ++i) upper[i] = static_cast<char>(std::toupper(upper[i]));
  EXPECT_FALSE(verify_meta_signature("test_app_secret", body, upper));
  EXPECT_FALSE(verify_meta_signature("test_app_secret", body, good.substr(7)));
  EXPECT_FALSE(verify_meta_signature("wrong_secret", body, good));
  EXPECT_FALSE(verify_meta_signature("test_app_secret", body, ""));
  EXPECT_FALSE(verify_meta_signature("", body, good));
}

TEST(MetaHandshake, EchoesTheChallengeOnlyForTheRightToken) {
  auto q = parse_query_string(
      "/webhooks/whatsapp/wa?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=vibecoding");
  ASSERT_TRUE(q);
  EXPECT_EQ(meta_handshake(*q, "vibecoding"), "1158201444");
  EXPECT_EQ(meta_handshake(*q, "other"), std::nullopt);
  EXPECT_EQ(meta_handshake(*q, ""), std::nullopt);
  (*q)["hub.mode"] = "unsubscribe";
  EXPECT_EQ(meta_handshake(*q, "vibecoding"), std::nullopt);
}

TEST(WhatsAppWebhook, ReadsTheTextMessageWithSenderNameAndPhoneIdentities) {
  auto b = parse_whatsapp_webhook("wa", "106540352242922", fixture("whatsapp_text.json"));
  ASSERT_TRUE(b);
  ASSERT_EQ(b->contacts.size(), 1u);
  const auto& c = b->contacts[0];
  EXPECT_EQ(c.channel_type, "whatsapp");
  EXPECT_EQ(c.external_id, "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=");
  EXPECT_EQ(c.text, "Does it come in another color?");
  EXPECT_EQ(c.subject, "Does it come in another color?");
  EXPECT_EQ(c.from_name, "Sheena Nelson");
  EXPECT_EQ(c.thread_key, "16505551234");
  EXPECT_EQ(c.from, (std::vector<Identity>{{"whatsapp", "+16505551234"}, {"phone", "+16505551234"}}));
  EXPECT_EQ(c.sent_at, 1749416383);
}

TEST(WhatsAppWebhook, SkipsChangesForAnotherNumber) {
  auto b = parse_whatsapp_webhook("wa", "999", fixture("whatsapp_text.json"));
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->empty());
}

TEST(WhatsAppWebhook, MediaBecomesADownloadJobAndReadableText) {
  auto b = parse_whatsapp_webhook("wa", "1122334455667", fixture("whatsapp_image.json"));
  ASSERT_TRUE(b);
  ASSERT_EQ(b->contacts.size(), 1u);
  EXPECT_EQ(b->contacts[0].text, "[image]");
  ASSERT_EQ(b->media.size(), 1u);
  EXPECT_EQ(b->media[0].ref, "65463453");
  EXPECT_EQ(b->media[0].content_type, "image/jpeg");
}

TEST(WhatsAppWebhook, ReadsStatusesAsReceiptsWithTheProvidersError) {
  auto b = parse_whatsapp_webhook("wa", "1122334455667", fixture("whatsapp_status_delivered.json"));
  ASSERT_TRUE(b);
  ASSERT_EQ(b->receipts.size(), 1u);
  EXPECT_EQ(b->receipts[0].provider_id, "wamid.xyzxyz");
  EXPECT_EQ(b->receipts[0].status, "delivered");
  auto failed = parse_whatsapp_webhook("wa", "1", R"({"object":"whatsapp_business_account","entry":[
    {"changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"1"},"statuses":[
      {"id":"wamid.a","status":"failed","errors":[{"code":131047,"title":"Re-engagement message",
       "error_data":{"details":"More than 24 hours have passed"}}]}]}}]}]})");
  ASSERT_TRUE(failed);
  ASSERT_EQ(failed->receipts.size(), 1u);
  EXPECT_EQ(failed->receipts[0].error, "131047: Re-engagement message (More than 24 hours have passed)");
}

TEST(WhatsAppWebhook, ReadsEveryEntryChangeAndMessageOfABatch) {
  std::string body = R"({"object":"whatsapp_business_account","entry":[)";
  for (int e = 0; e < 2; ++e) {
    body += std::string(e ? "," : "") + R"({"changes":[)";
    for (int ch = 0; ch < 2; ++ch) {
      body += std::string(ch ? "," : "") +
              R"({"field":"messages","value":{"metadata":{"phone_number_id":"1"},"messages":[)";
      for (int m = 0; m < 3; ++m)
        body += std::string(m ? "," : "") + R"({"from":"393331234567","id":"w)" + std::to_string(e) +
                std::to_string(ch) + std::to_string(m) + R"(","type":"text","text":{"body":"hi"}})";
      body += "]}}";
    }
    body += "]}";
  }
  body += "]}";
  auto b = parse_whatsapp_webhook("wa", "1", body);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->contacts.size(), 12u);
}

TEST(WhatsAppWebhook, LocationsContactsAndOddFieldsNeverLoseTheRest) {
  auto b = parse_whatsapp_webhook("wa", "1", R"({"object":"whatsapp_business_account","entry":[
    {"changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"1"},"messages":[
      {"from":"393331234567","id":"a","type":"location","location":{"latitude":45.4642,"longitude":9.19,"name":"Duomo"}},
      {"from":"393331234567","id":"b","type":"contacts","contacts":[{"name":{"formatted_name":"Ada"},"phones":[{"phone":"+44 20 1234"}]}]},
      {"from":42,"id":"c","type":"text"},
      {"from":"393331234567","id":"d","type":"text","text":{"body":7}}]}}]}]})");
  ASSERT_TRUE(b);
  ASSERT_EQ(b->contacts.size(), 3u);  // "c" has no usable sender
  EXPECT_NE(b->contacts[0].text.find("Duomo"), std::string::npos);
  EXPECT_NE(b->contacts[0].text.find("mlat=45.464200&mlon=9.190000"), std::string::npos);
  EXPECT_EQ(b->contacts[1].text, "Shared contact: Ada +44 20 1234");
  EXPECT_EQ(b->contacts[2].text, "7");  // a number where text belongs still reads
}

TEST(WhatsAppWebhook, NotJsonIsABadRequestAndOtherObjectsAreIgnored) {
  EXPECT_FALSE(parse_whatsapp_webhook("wa", "1", "{nope"));
  auto other = parse_whatsapp_webhook("wa", "1", R"({"object":"page","entry":[]})");
  ASSERT_TRUE(other);
  EXPECT_TRUE(other->empty());
}

TEST(MessengerWebhook, ReadsMessagesReceiptsReadsAndSkipsEchoes) {
  auto b = parse_meta_messaging_webhook("messenger", "fb", "1234567890", fixture("messenger_text.json"));
  ASSERT_TRUE(b);
  ASSERT_EQ(b->contacts.size(), 1u);
  EXPECT_EQ(b->contacts[0].external_id, "external_id");
  EXPECT_EQ(b->contacts[0].from, (std::vector<Identity>{{"messenger", "5678"}}));
  EXPECT_EQ(b->contacts[0].thread_key, "5678");
  EXPECT_EQ(b->contacts[0].sent_at, 1459991487);

  auto more = parse_meta_messaging_webhook("messenger", "fb", "P", R"({"object":"page","entry":[{"id":"P","messaging":[
    {"sender":{"id":"U"},"recipient":{"id":"P"},"delivery":{"mids":["m1","m2"],"watermark":1}},
    {"sender":{"id":"U"},"recipient":{"id":"P"},"read":{"watermark":1458668856253}},
    {"sender":{"id":"P"},"recipient":{"id":"U"},"message":{"mid":"echo","text":"ours","is_echo":true}},
    {"sender":{"id":"U"},"recipient":{"id":"P"},"timestamp":1,"message":{"mid":"m3","attachments":[{"type":"image","payload":{"url":"https://cdn/x.jpg"}}]}}
  ]},{"id":"OTHER","messaging":[{"sender":{"id":"U"},"message":{"mid":"m4","text":"not ours"}}]}]})");
  ASSERT_TRUE(more);
  ASSERT_EQ(more->receipts.size(), 2u);
  EXPECT_EQ(more->receipts[1].provider_id, "m2");
  ASSERT_EQ(more->reads.size(), 1u);
  EXPECT_EQ(more->reads[0].until, 1458668856);
  ASSERT_EQ(more->contacts.size(), 1u);
  EXPECT_EQ(more->contacts[0].text, "[image]");
  ASSERT_EQ(more->media.size(), 1u);
  EXPECT_EQ(more->media[0].ref, "https://cdn/x.jpg");
}

TEST(InstagramWebhook, NeedsTheInstagramObjectAndReadsSeenByMid) {
  std::string body = R"({"object":"instagram","entry":[{"id":"IG","messaging":[
    {"sender":{"id":"S"},"recipient":{"id":"IG"},"timestamp":1000,"message":{"mid":"i1","text":"ciao"}},
    {"sender":{"id":"S"},"recipient":{"id":"IG"},"read":{"mid":"i0"}}]}]})";
  auto b = parse_meta_messaging_webhook("instagram", "ig", "IG", body);
  ASSERT_TRUE(b);
  ASSERT_EQ(b->contacts.size(), 1u);
  EXPECT_EQ(b->contacts[0].from, (std::vector<Identity>{{"instagram", "S"}}));
  ASSERT_EQ(b->receipts.size(), 1u);
  EXPECT_EQ(b->receipts[0].status, "read");
  auto as_messenger = parse_meta_messaging_webhook("messenger", "fb", "IG", body);
  ASSERT_TRUE(as_messenger);
  EXPECT_TRUE(as_messenger->empty());
}

TEST(TelegramSecret, ComparesExactlyAndValidatesTheConfiguredToken) {
  EXPECT_TRUE(verify_telegram_secret("s3cr3t_Token-1", "s3cr3t_Token-1"));
  EXPECT_FALSE(verify_telegram_secret("s3cr3t_Token-1", ""));
  EXPECT_FALSE(verify_telegram_secret("s3cr3t_Token-1", "s3cr3t_Token-2"));
  EXPECT_FALSE(verify_telegram_secret("", ""));
  EXPECT_TRUE(valid_telegram_secret("s3cr3t_Token-1"));
  EXPECT_FALSE(valid_telegram_secret("has space"));
  EXPECT_FALSE(valid_telegram_secret(std::string(257, 'a')));
}

TEST(TelegramWebhook, ReadsTextPhotoEditsAndIgnoresGroups) {
  auto b = parse_telegram_update("tg", fixture("telegram_text.json"));
  ASSERT_TRUE(b);
  ASSERT_EQ(b->contacts.size(), 1u);
  EXPECT_EQ(b->contacts[0].external_id, "23:1");
  EXPECT_EQ(b->contacts[0].from_name, "Sojan Jose");
  EXPECT_EQ(b->contacts[0].language, "en") << "the sender's language_code";
  EXPECT_EQ(b->contacts[0].from, (std::vector<Identity>{{"telegram", "23"}}));
  EXPECT_EQ(b->contacts[0].text, "test");

  auto photo = parse_telegram_update("tg", fixture("telegram_photo.json"));
  ASSERT_TRUE(photo);
  ASSERT_EQ(photo->media.size(), 1u);
  EXPECT_EQ(photo->contacts[0].text, "[image]");

  auto edit = parse_telegram_update("tg", R"({"update_id":2,"edited_message":{"message_id":1,"edit_date":99,
    "from":{"id":23,"first_name":"S"},"chat":{"id":23,"type":"private"},"date":1,"text":"fixed"}})");
  ASSERT_TRUE(edit);
  ASSERT_EQ(edit->contacts.size(), 1u);
  EXPECT_EQ(edit->contacts[0].external_id, "23:1:edit:99");
  EXPECT_EQ(edit->contacts[0].text, "(edited) fixed");

  auto group = parse_telegram_update("tg", R"({"update_id":3,"message":{"message_id":5,
    "from":{"id":23,"first_name":"S"},"chat":{"id":-100,"type":"group"},"date":1,"text":"hi all"}})");
  ASSERT_TRUE(group);
  EXPECT_TRUE(group->empty());
}

FormPairs vector_params() {
  return {{"CallSid", "CA1234567890ABCDE"}, {"Caller", "+14158675309"}, {"Digits", "1234"},
          {"From", "+14158675309"}, {"To", "+18005551212"}};
}

TEST(TwilioSignature, MatchesTheSdkVectorsWithAndWithoutPorts) {
  const std::string url = "https://mycompany.com/myapp.php?foo=1&bar=2";
  EXPECT_EQ(twilio_signature("12345", url, vector_params()), "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
  EXPECT_TRUE(verify_twilio_signature("12345", url, vector_params(), "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
  EXPECT_TRUE(verify_twilio_signature("12345", url, vector_params(), "kvajT1Ptam85bY51eRf/AJRuM3w="));
  EXPECT_TRUE(verify_twilio_signature("12345", "https://mycompany.com:1234/myapp.php?foo=1&bar=2",
                                      vector_params(), "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
  EXPECT_TRUE(verify_twilio_signature("12345", "http://mycompany.com/myapp.php?foo=1&bar=2",
                                      vector_params(), "0ZXoZLH/DfblKGATFgpif+LLRf4="));
  EXPECT_FALSE(verify_twilio_signature("54321", url, vector_params(), "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
  auto tampered = vector_params();
  tampered[2].second = "9999";
  EXPECT_FALSE(verify_twilio_signature("12345", url, tampered, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
  EXPECT_FALSE(verify_twilio_signature("12345", url, vector_params(), ""));
}

TEST(TwilioSignature, SortsRepeatedNamesByValue) {
  FormPairs p = {{"Sid", "CA123"}, {"SidAccount", "AC123"}, {"Digits", "5678"}, {"Digits", "1234"}};
  EXPECT_EQ(twilio_signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", p),
            "IK+Dwps556ElfBT0I3Rgjkr1wJU=");
}

TEST(TwilioSignature, SignsTheRecordedSmsExample) {
  FormPairs p = {{"MessageSid", "SMe287d7109a5a925f182f0e07fe5b223b"},
                 {"AccountSid", "ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}, {"From", "+14133881111"},
                 {"To", "+12028831111"}, {"Body", "Msg"}, {"NumMedia", "0"}};
  EXPECT_EQ(twilio_signature("12345", "https://example.com/webhooks/twilio/sms", p),
            "+1raxFIZczpAf3Sbno++THFQoBs=");
}

TEST(TwilioWebhook, ReadsSmsMmsWhatsAppAndStatusCallbacks) {
  auto sms = parse_form(fixture("twilio_sms.form"));
  ASSERT_TRUE(sms);
  auto b = parse_twilio_webhook("sms", *sms);
  ASSERT_EQ(b.contacts.size(), 1u);
  EXPECT_EQ(b.contacts[0].external_id, "SMe287d7109a5a925f182f0e07fe5b223b");
  EXPECT_EQ(b.contacts[0].from, (std::vector<Identity>{{"phone", "+14133881111"}}));
  EXPECT_EQ(b.contacts[0].thread_key, "+14133881111");
  EXPECT_EQ(b.contacts[0].text, "Msg");

  auto mms = parse_twilio_webhook("sms", *parse_form(fixture("twilio_mms.form")));
  EXPECT_EQ(mms.media.size(), 2u);
  EXPECT_EQ(mms.contacts[0].text, "Msg\n[file]\n[file]");

  auto wa = parse_twilio_webhook("sms", {{"MessageSid", "SM1"}, {"From", "whatsapp:+14133881111"},
                                         {"ProfileName", "Ada"}, {"Body", "ciao"}});
  ASSERT_EQ(wa.contacts.size(), 1u);
  EXPECT_EQ(wa.contacts[0].from,
            (std::vector<Identity>{{"whatsapp", "+14133881111"}, {"phone", "+14133881111"}}));
  EXPECT_EQ(wa.contacts[0].thread_key, "whatsapp:+14133881111");
  EXPECT_EQ(wa.contacts[0].from_name, "Ada");

  auto failed = parse_twilio_webhook("sms", *parse_form(fixture("twilio_status_failed.form")));
  ASSERT_EQ(failed.receipts.size(), 1u);
  EXPECT_EQ(failed.receipts[0].status, "failed");
  EXPECT_EQ(failed.receipts[0].error, "Twilio error 21610");
  auto queued = parse_twilio_webhook("sms", {{"MessageSid", "SM1"}, {"MessageStatus", "queued"}});
  EXPECT_TRUE(queued.empty());
}

}  // namespace
}  // namespace touchpoint::protocol
