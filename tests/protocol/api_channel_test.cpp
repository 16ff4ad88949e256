#include "protocol/api_channel.hpp"

#include <gtest/gtest.h>

namespace touchpoint::protocol {
namespace {

TEST(ParseApiMessage, ReadsTheContractExample) {
  auto c = parse_api_message("crm", R"({"message_id":"ext-1", "thread":"conv-9", "text":"Hello",
    "from":{"id":"cust-42","name":"Ada Lovelace","email":"Ada@Example.com","phone":"+39 333 123 4567"},
    "sent_at":"2026-11-22T10:00:00Z"})");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->channel_type, "api");
  EXPECT_EQ(c->channel_name, "crm");
  EXPECT_EQ(c->external_id, "ext-1");
  EXPECT_EQ(c->thread_key, "conv-9");
  EXPECT_EQ(c->text, "Hello");
  EXPECT_EQ(c->subject, "Hello");
  EXPECT_EQ(c->from_name, "Ada Lovelace");
  std::vector<Identity> want = {{"api", "crm:cust-42"}, {"email", "ada@example.com"},
                                {"phone", "+393331234567"}};
  EXPECT_EQ(c->from, want);
  ASSERT_TRUE(c->sent_at);
  EXPECT_EQ(*c->sent_at, 1795341600);
}

TEST(ParseApiMessage, DecodesAttachments) {
  auto c = parse_api_message("crm", R"({"message_id":"m","from":{"id":"x"},
    "attachments":[{"filename":"a.txt","content_type":"text/plain","content_base64":"aGVsbG8="}]})");
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_EQ(c->attachments.size(), 1u);
  EXPECT_EQ(c->attachments[0].data, "hello");
  EXPECT_EQ(c->attachments[0].filename, "a.txt");
}

TEST(ParseApiMessage, CutsALongDefaultSubjectOnACharacterBoundary) {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "è";  // two bytes each
  auto c = parse_api_message("crm", R"({"message_id":"m","from":{"id":"x"},"text":")" + text + "\"}");
  ASSERT_TRUE(c);
  EXPECT_LE(c->subject.size(), 84u);
  EXPECT_EQ(c->subject.substr(c->subject.size() - 3), "…");
  EXPECT_EQ(c->subject.substr(0, 80), text.substr(0, 80));
}

struct BadCase {
  const char* name;
  std::string body;
  const char* message_part;
};

class RejectsBadInput : public testing::TestWithParam<BadCase> {};

TEST_P(RejectsBadInput, WithAClearMessage) {
  auto c = parse_api_message("crm", GetParam().body);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, Errc::bad_request);
  EXPECT_NE(c.error().message.find(GetParam().message_part), std::string::npos)
      << c.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    ParseApiMessage, RejectsBadInput,
    testing::Values(
        BadCase{"not_json", "{oops", "not valid JSON"},
        BadCase{"empty", "", "not valid JSON"},
        BadCase{"array", "[]", "JSON object"},
        BadCase{"no_message_id", R"({"text":"a","from":{"id":"x"}})", "message_id"},
        BadCase{"empty_message_id", R"({"message_id":"","text":"a","from":{"id":"x"}})",
                "message_id"},
        BadCase{"numeric_message_id", R"({"message_id":7,"text":"a","from":{"id":"x"}})",
                "message_id must be a string"},
        BadCase{"long_message_id",
                R"({"message_id":")" + std::string(300, 'a') + R"(","text":"a","from":{"id":"x"}})",
                "longer than"},
        BadCase{"no_from", R"({"message_id":"m","text":"a"})", "from"},
        BadCase{"empty_from", R"({"message_id":"m","text":"a","from":{}})", "at least one"},
        BadCase{"bad_email", R"({"message_id":"m","text":"a","from":{"email":"nope"}})",
                "email"},
        BadCase{"bad_phone", R"({"message_id":"m","text":"a","from":{"phone":"call me"}})",
                "phone"},
        BadCase{"no_text", R"({"message_id":"m","from":{"id":"x"}})", "text is required"},
        BadCase{"text_not_string", R"({"message_id":"m","text":["a"],"from":{"id":"x"}})",
                "text must be a string"},
        BadCase{"bad_sent_at",
                R"({"message_id":"m","text":"a","from":{"id":"x"},"sent_at":"yesterday"})",
                "sent_at"},
        BadCase{"bad_base64",
                R"({"message_id":"m","from":{"id":"x"},"attachments":[{"content_base64":"!!"}]})",
                "base64"},
        BadCase{"invalid_utf8", "{\"message_id\":\"m\",\"text\":\"\xff\xfe\",\"from\":{\"id\":\"x\"}}",
                "not valid JSON"}),
    [](const testing::TestParamInfo<BadCase>& i) { return std::string(i.param.name); });

TEST(EncodeAck, MatchesTheContract) {
  Recorded r;
  r.ticket_id = 17;
  r.message_id = 123;
  r.customer_id = 5;
  r.ticket_created = true;
  EXPECT_EQ(encode_ack(r),
            R"({"ticket_id":17,"message_id":123,"customer_id":5,"duplicate":false})");
}

}  // namespace
}  // namespace touchpoint::protocol
