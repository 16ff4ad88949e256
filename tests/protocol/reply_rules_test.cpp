// Templates and message tags: what an agent may send outside a messaging window, how it is
// checked and rendered, and what each provider receives for it.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <map>

#include "protocol/messaging_send.hpp"
#include "protocol/query_string.hpp"
#include "protocol/reply_rules.hpp"

namespace touchpoint::protocol {
namespace {

constexpr int64_t kNow = 10'000'000;
constexpr int64_t kDays = 24 * 3600;

const std::vector<ReplyTemplate> kTemplates = {
    {"order_update", "en_US", "Hello {{1}}, there is news on your order {{2}}.", ""},
    {"order_update", "it", "Ciao {{1}}, novità sul tuo ordine {{2}}.", ""},
    {"follow_up", "en_US", "We are still here if you need us.", ""},
};

AgentMessage templated(std::string name, std::string language, std::vector<std::string> params) {
  AgentMessage m;
  m.template_name = std::move(name);
  m.template_language = std::move(language);
  m.parameters = std::move(params);
  return m;
}

AgentMessage tagged(std::string body, std::string tag) {
  AgentMessage m;
  m.body = std::move(body);
  m.tag = std::move(tag);
  return m;
}

TEST(TemplateText, CountsItsHighestParameter) {
  EXPECT_EQ(template_parameter_count("Hello {{1}}, order {{2}}"), 2);
  EXPECT_EQ(template_parameter_count("{{3}} only"), 3);
  EXPECT_EQ(template_parameter_count("no parameters {{x}} {{}}"), 0);
  EXPECT_EQ(template_parameter_count("unclosed {{1"), 0);
}

TEST(PrepareReply, ATemplateIsAllowedOutsideTheWindowAndRendersWhatTheTicketShows) {
  auto r = prepare_reply("whatsapp", "16505551234", templated("order_update", "it", {"Ada", "#42"}),
                         kTemplates, kNow - 30 * kDays, kNow);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->body, "Ciao Ada, novità sul tuo ordine #42.");
  rapidjson::Document d;
  d.Parse(r->send_options.c_str());
  EXPECT_STREQ(d["template"]["name"].GetString(), "order_update");
  EXPECT_STREQ(d["template"]["language"].GetString(), "it");
  EXPECT_STREQ(d["template"]["parameters"][1].GetString(), "#42");
  // With no inbound message at all (the business writes first), a template still goes.
  EXPECT_TRUE(prepare_reply("whatsapp", "1", templated("follow_up", "", {}), kTemplates,
                            std::nullopt, kNow));
}

TEST(PrepareReply, ATemplateIsCheckedAgainstWhatTheAdminConfigured) {
  auto unknown = prepare_reply("whatsapp", "1", templated("nope", "", {}), kTemplates, kNow, kNow);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::unprocessable);
  auto ambiguous = prepare_reply("whatsapp", "1", templated("order_update", "", {"a", "b"}),
                                 kTemplates, kNow, kNow);
  ASSERT_FALSE(ambiguous);
  EXPECT_NE(ambiguous.error().message.find("en_US, it"), std::string::npos);
  auto wrong_language = prepare_reply("whatsapp", "1", templated("follow_up", "de", {}), kTemplates,
                                      kNow, kNow);
  EXPECT_FALSE(wrong_language);
  auto too_few = prepare_reply("whatsapp", "1", templated("order_update", "it", {"Ada"}), kTemplates,
                               kNow, kNow);
  ASSERT_FALSE(too_few);
  EXPECT_NE(too_few.error().message.find("takes 2 parameter(s); 1 given"), std::string::npos);
  // WhatsApp refuses a parameter with a new line or a run of spaces: say so before sending.
  EXPECT_FALSE(prepare_reply("whatsapp", "1", templated("order_update", "it", {"A\nB", "x"}),
                             kTemplates, kNow, kNow));
  EXPECT_FALSE(prepare_reply("whatsapp", "1", templated("order_update", "it", {"A     B", "x"}),
                             kTemplates, kNow, kNow));
  EXPECT_FALSE(prepare_reply("whatsapp", "1", templated("order_update", "it", {"", "x"}),
                             kTemplates, kNow, kNow));
  // Templates are a WhatsApp thing; body and template together is a malformed request.
  auto on_telegram = prepare_reply("telegram", "1", templated("follow_up", "", {}), kTemplates,
                                   kNow, kNow);
  ASSERT_FALSE(on_telegram);
  EXPECT_EQ(on_telegram.error().code, Errc::unprocessable);
  auto both = templated("follow_up", "", {});
  both.body = "hi";
  EXPECT_EQ(prepare_reply("whatsapp", "1", both, kTemplates, kNow, kNow).error().code,
            Errc::bad_request);
  auto note = templated("follow_up", "", {});
  note.internal = true;
  EXPECT_EQ(prepare_reply("whatsapp", "1", note, kTemplates, kNow, kNow).error().code,
            Errc::bad_request);
}

TEST(PrepareReply, HumanAgentReachesSevenDaysOnMessengerAndInstagram) {
  for (const char* type : {"messenger", "instagram"}) {
    auto day3 = prepare_reply(type, "PSID", tagged("Still on it", "HUMAN_AGENT"), {},
                              kNow - 3 * kDays, kNow);
    ASSERT_TRUE(day3) << type;
    EXPECT_EQ(day3->send_options, R"({"tag":"HUMAN_AGENT"})");
    auto day8 = prepare_reply(type, "PSID", tagged("Still on it", "HUMAN_AGENT"), {},
                              kNow - 8 * kDays, kNow);
    ASSERT_FALSE(day8) << type;
    EXPECT_NE(day8.error().message.find("7 days"), std::string::npos);
    // Without a tag the 24-hour rule holds, and the refusal names the way out.
    auto plain = prepare_reply(type, "PSID", tagged("Still on it", ""), {}, kNow - 3 * kDays, kNow);
    ASSERT_FALSE(plain);
    EXPECT_NE(plain.error().message.find("HUMAN_AGENT"), std::string::npos);
  }
  // Messenger's update tags are not timed; Instagram has only HUMAN_AGENT.
  EXPECT_TRUE(prepare_reply("messenger", "P", tagged("Shipped", "POST_PURCHASE_UPDATE"), {},
                            kNow - 60 * kDays, kNow));
  EXPECT_EQ(prepare_reply("instagram", "P", tagged("Shipped", "POST_PURCHASE_UPDATE"), {}, kNow, kNow)
                .error().code,
            Errc::bad_request);
  EXPECT_EQ(prepare_reply("messenger", "P", tagged("x", "PROMOTION"), {}, kNow, kNow).error().code,
            Errc::bad_request);
  EXPECT_EQ(prepare_reply("whatsapp", "1", tagged("x", "HUMAN_AGENT"), {}, kNow, kNow).error().code,
            Errc::unprocessable);
  // A tag does not lift the length limit.
  EXPECT_FALSE(prepare_reply("instagram", "P", tagged(std::string(1001, 'a'), "HUMAN_AGENT"), {},
                             kNow, kNow));
}

OutboundItem item(std::string thread, std::string body, std::string options) {
  OutboundItem i;
  i.thread = std::move(thread);
  i.body = std::move(body);
  i.send_options = std::move(options);
  return i;
}

TEST(PrepareReply, FilesGoByMailWhatsAppTelegramAndTwilioAndAlwaysOnNotes) {
  AgentMessage m = AgentMessage::text("See attached");
  m.attachments = {{"a.pdf", "application/pdf", "%PDF", ""}};
  EXPECT_TRUE(prepare_reply("email", "", m, {}, std::nullopt, 0));
  EXPECT_TRUE(prepare_reply("whatsapp", "1", m, {}, 0, 0));
  EXPECT_TRUE(prepare_reply("telegram", "1", m, {}, std::nullopt, 0));
  EXPECT_TRUE(prepare_reply("twilio", "+14155550100", m, {}, std::nullopt, 0));
  for (const char* type : {"messenger", "instagram", "webchat"}) {
    auto refused = prepare_reply(type, "1", m, {}, 0, 0);
    ASSERT_FALSE(refused) << type;
    EXPECT_EQ(refused.error().code, Errc::unprocessable);
    EXPECT_NE(refused.error().message.find("internal note"), std::string::npos);
  }
  m.internal = true;
  EXPECT_TRUE(prepare_reply("messenger", "1", m, {}, 0, 0));
}

TEST(PrepareReply, WhatsAppAndTelegramSendOneFileWithTheTextAsItsCaption) {
  AgentMessage two = AgentMessage::text("Both");
  two.attachments = {{"a.png", "image/png", "x", ""}, {"b.png", "image/png", "y", ""}};
  auto refused = prepare_reply("whatsapp", "1", two, {}, kNow, kNow);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::unprocessable);
  EXPECT_NE(refused.error().message.find("one file per message"), std::string::npos);
  EXPECT_TRUE(prepare_reply("email", "", two, {}, kNow, kNow));

  std::string caption;
  for (int i = 0; i < 1024; ++i) caption += "è";  // characters, not bytes
  AgentMessage one = AgentMessage::text(caption);
  one.attachments = {{"a.png", "image/png", "x", ""}};
  EXPECT_TRUE(prepare_reply("telegram", "1", one, {}, kNow, kNow));
  one.body += "e";
  auto long_caption = prepare_reply("telegram", "1", one, {}, kNow, kNow);
  ASSERT_FALSE(long_caption);
  EXPECT_NE(long_caption.error().message.find("1025"), std::string::npos);
  EXPECT_TRUE(prepare_reply("telegram", "1", AgentMessage::text(one.body), {}, kNow, kNow))
      << "as text alone it fits";

  // Twilio's Body is no caption (1600 characters), but its media has Twilio's limits.
  AgentMessage mms = AgentMessage::text(std::string(1500, 'a'));
  mms.attachments = {{"big.jpg", "image/jpeg", std::string(6 * 1024 * 1024, 'x'), ""}};
  auto too_big = prepare_reply("twilio", "+14155550100", mms, {}, kNow, kNow);
  ASSERT_FALSE(too_big);
  EXPECT_NE(too_big.error().message.find("5 MB of media in an MMS"), std::string::npos) << too_big.error().message;
  EXPECT_TRUE(prepare_reply("twilio", "whatsapp:+14155550100", mms, {}, kNow, kNow)) << "16 MB on WhatsApp";

  // The window still applies: outside it WhatsApp takes only a template, which has no files.
  one.body = "late";
  EXPECT_FALSE(prepare_reply("whatsapp", "1", one, {}, kNow - 2 * kDays, kNow));
}

TEST(WhatsAppSend, ATemplateGoesAsTypeTemplateWithItsBodyParameters) {
  auto prepared = prepare_reply("whatsapp", "1", templated("order_update", "en_US", {"Ada", "#42"}),
                                kTemplates, std::nullopt, kNow);
  ASSERT_TRUE(prepared);
  auto r = whatsapp_send(item("16505551234", prepared->body, prepared->send_options), "106", "EAAG");
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  ASSERT_FALSE(d.HasParseError());
  EXPECT_STREQ(d["type"].GetString(), "template");
  EXPECT_FALSE(d.HasMember("text"));
  EXPECT_STREQ(d["template"]["name"].GetString(), "order_update");
  EXPECT_STREQ(d["template"]["language"]["code"].GetString(), "en_US");
  const auto& body = d["template"]["components"][0];
  EXPECT_STREQ(body["type"].GetString(), "body");
  EXPECT_STREQ(body["parameters"][0]["type"].GetString(), "text");
  EXPECT_STREQ(body["parameters"][0]["text"].GetString(), "Ada");
  EXPECT_STREQ(body["parameters"][1]["text"].GetString(), "#42");
  // A template without parameters has no components at all.
  auto plain = prepare_reply("whatsapp", "1", templated("follow_up", "", {}), kTemplates, kNow, kNow);
  d.Parse(whatsapp_send(item("1", plain->body, plain->send_options), "106", "t").body.c_str());
  EXPECT_FALSE(d["template"].HasMember("components"));
}

TEST(MessengerSend, ATaggedReplyIsAMessageTag) {
  auto r = meta_messaging_send(item("PSID", "Still on it", R"({"tag":"HUMAN_AGENT"})"), "PAGE", "t", "");
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  EXPECT_STREQ(d["messaging_type"].GetString(), "MESSAGE_TAG");
  EXPECT_STREQ(d["tag"].GetString(), "HUMAN_AGENT");
  EXPECT_STREQ(d["message"]["text"].GetString(), "Still on it");
}

TEST(TwilioSend, ATemplateGoesByContentSidWithNumberedVariables) {
  std::vector<ReplyTemplate> twilio = {{"order_update", "en", "Hi {{1}}, order {{2}}.", "HXb5b62575e6e4ff6129ad7c8efe1f983e"}};
  auto prepared = prepare_reply("twilio", "whatsapp:+14133881111",
                                templated("order_update", "", {"Ada", "#4\"2"}), twilio,
                                kNow - 3 * kDays, kNow);
  ASSERT_TRUE(prepared) << prepared.error().message;
  auto r = twilio_send(item("whatsapp:+14133881111", prepared->body, prepared->send_options), "AC1",
                       "tok", "+12028831111", "");
  auto pairs = parse_form(r.body);
  ASSERT_TRUE(pairs);
  std::map<std::string, std::string> form(pairs->begin(), pairs->end());
  EXPECT_EQ(form["ContentSid"], "HXb5b62575e6e4ff6129ad7c8efe1f983e");
  EXPECT_EQ(form["ContentVariables"], R"({"1":"Ada","2":"#4\"2"})");
  EXPECT_EQ(form.count("Body"), 0u);
}

}  // namespace
}  // namespace touchpoint::protocol
