#include "protocol/webchat.hpp"

#include <gtest/gtest.h>

namespace touchpoint::protocol {
namespace {

const std::string kVisitor = "0123456789abcdef0123456789abcdef";

TEST(VisitorToken, NamesTheVisitorOnlyForItsChannelAndSecret) {
  std::string token = visitor_token("secret", "site", kVisitor);
  EXPECT_EQ(visitor_of_token("secret", "site", token), kVisitor);
  EXPECT_FALSE(visitor_of_token("secret", "other-site", token));
  EXPECT_FALSE(visitor_of_token("another secret", "site", token));
}

TEST(VisitorToken, ForgedOrMangledTokensNameNobody) {
  std::string token = visitor_token("secret", "site", kVisitor);
  std::string other = "fedcba9876543210fedcba9876543210";
  // Another visitor's id with this token's MAC: refused.
  std::string swapped = "v1." + other + token.substr(35);
  EXPECT_FALSE(visitor_of_token("secret", "site", swapped));
  for (std::size_t i = 0; i < token.size(); ++i) {
    std::string t = token;
    t[i] = t[i] == '0' ? '1' : '0';
    EXPECT_FALSE(visitor_of_token("secret", "site", t)) << i;
  }
  EXPECT_FALSE(visitor_of_token("secret", "site", ""));
  EXPECT_FALSE(visitor_of_token("secret", "site", token + "0"));
  EXPECT_FALSE(visitor_of_token("secret", "site", token.substr(1)));
}

TEST(ChatOrigin, AllowedOriginsOrOurOwn) {
  std::vector<std::string> allowed = {"https://shop.example"};
  EXPECT_TRUE(chat_origin_allowed("https://shop.example", allowed, "https://help.example"));
  EXPECT_TRUE(chat_origin_allowed("https://SHOP.example:443", allowed, "https://help.example"));
  EXPECT_TRUE(chat_origin_allowed("https://help.example", allowed, "https://help.example/"));
  EXPECT_FALSE(chat_origin_allowed("https://evil.example", allowed, "https://help.example"));
  EXPECT_FALSE(chat_origin_allowed("http://shop.example", allowed, "https://help.example"));
  EXPECT_FALSE(chat_origin_allowed("", allowed, "https://help.example"));
  EXPECT_FALSE(chat_origin_allowed("null", allowed, "https://help.example"));
  EXPECT_EQ(chat_frame_ancestors(allowed), "https://shop.example");
  EXPECT_EQ(chat_frame_ancestors({}), "'none'");
}

TEST(ChatFrame, ReadsEveryVisitorFrame) {
  auto hello = parse_chat_frame(R"({"type":"hello","visitor_token":null,"after":3,"name":"Ada","email":"Ada@Example.com"})");
  ASSERT_TRUE(hello);
  auto& h = std::get<ChatHello>(hello.value());
  EXPECT_FALSE(h.visitor_token);
  EXPECT_EQ(h.after, 3);
  EXPECT_EQ(h.name, "Ada");
  EXPECT_EQ(h.email, "ada@example.com");
  EXPECT_EQ(h.language, "");
  auto with_language = parse_chat_frame(R"({"type":"hello","language":"es-419"})");
  ASSERT_TRUE(with_language);
  EXPECT_EQ(std::get<ChatHello>(with_language.value()).language, "es-419");
  auto odd_language = parse_chat_frame(R"({"type":"hello","language":"<script>"})");
  ASSERT_TRUE(odd_language) << "a browser's odd language is ignored, not refused";
  EXPECT_EQ(std::get<ChatHello>(odd_language.value()).language, "");

  auto say = parse_chat_frame(R"({"type":"message","client_id":"c-1_A","text":"hello"})");
  ASSERT_TRUE(say);
  EXPECT_EQ(std::get<ChatSay>(say.value()).client_id, "c-1_A");
  EXPECT_EQ(std::get<ChatSay>(say.value()).text, "hello");

  auto typing = parse_chat_frame(R"({"type":"typing","on":true})");
  ASSERT_TRUE(typing);
  EXPECT_TRUE(std::get<ChatTyping>(typing.value()).on);

  auto answer = parse_chat_frame(R"({"type":"survey_answer","id":7,"score":5,"comment":"quick"})");
  ASSERT_TRUE(answer);
  EXPECT_EQ(std::get<ChatSurveyAnswer>(answer.value()).score, 5);
  EXPECT_EQ(std::get<ChatSurveyAnswer>(answer.value()).comment, "quick");

  EXPECT_TRUE(std::holds_alternative<ChatPing>(parse_chat_frame(R"({"type":"ping"})").value()));
}

std::string code_of(std::string_view frame) {
  auto r = parse_chat_frame(frame);
  return r ? "" : chat_error_of(r.error()).code;
}

TEST(ChatFrame, BadFramesHaveAClearCode) {
  EXPECT_EQ(code_of("not json"), "bad_json");
  EXPECT_EQ(code_of("[1,2]"), "bad_json");
  EXPECT_EQ(code_of("{\"type\":\"message\",\"client_id\":\"a\",\"text\":\"\xff\"}"), "bad_json");
  EXPECT_EQ(code_of(R"({"type":"shout"})"), "unknown_type");
  EXPECT_EQ(code_of(R"({"text":"hi"})"), "bad_frame");
  EXPECT_EQ(code_of(R"({"type":"message","text":"hi"})"), "bad_frame");
  EXPECT_EQ(code_of(R"({"type":"message","client_id":"a b","text":"hi"})"), "bad_frame");
  EXPECT_EQ(code_of(R"({"type":"message","client_id":"a","text":"  "})"), "empty_message");
  EXPECT_EQ(code_of(R"({"type":"hello","after":-1})"), "bad_frame");
  EXPECT_EQ(code_of(R"({"type":"hello","email":"nope"})"), "bad_email");
  EXPECT_EQ(code_of(R"({"type":"typing"})"), "bad_frame");
  EXPECT_EQ(code_of(R"({"type":"survey_answer","id":1,"score":11})"), "bad_frame");
  EXPECT_EQ(code_of(std::string(kMaxChatFrameBytes + 1, ' ')), "too_large");
}

TEST(ChatContact, IsTheVisitorsThreadKeyedByClientId) {
  auto c = chat_contact("site", kVisitor, ChatSay{"abc", "hi"}, std::string("Ada"),
                        std::string("ada@example.com"), "it-it", 100);
  EXPECT_EQ(c.language, "it-it");
  EXPECT_EQ(c.channel_type, "webchat");
  EXPECT_EQ(c.external_id, kVisitor + ":abc");
  EXPECT_EQ(c.thread_key, kVisitor);
  ASSERT_EQ(c.from.size(), 2u);
  EXPECT_EQ(c.from[0], (Identity{"webchat", kVisitor}));
  EXPECT_EQ(c.from[1], (Identity{"email", "ada@example.com"}));
  EXPECT_EQ(chat_client_id(c.external_id), "abc");
  EXPECT_EQ(c.subject, "hi");
  auto long_one = chat_contact("site", kVisitor, ChatSay{"x", "  First line\nsecond"}, {}, {}, "", 0);
  EXPECT_EQ(long_one.subject, "First line");
  std::string many(100, 'a');
  many[79] = '\xc3';  // a two-byte character across the cut is left out whole
  many[80] = '\xa8';
  EXPECT_EQ(chat_contact("site", kVisitor, ChatSay{"x", many}, {}, {}, "", 0).subject,
            std::string(79, 'a') + "…");
}

TEST(ChatFrames, EncodeAsTheContractShows) {
  EXPECT_EQ(encode_chat_ack("abc", 12, 3), R"({"type":"ack","client_id":"abc","message_id":12,"seq":3})");
  ChatLine l;
  l.seq = 4;
  l.message_id = 13;
  l.author = "agent";
  l.agent_name = "Bea";
  l.text = "<b>hi</b>";
  l.created_at = 0;
  EXPECT_EQ(encode_chat_line(l),
            R"({"type":"message","seq":4,"message_id":13,"author":"agent","agent_name":"Bea",)"
            R"("text":"<b>hi</b>","created_at":"1970-01-01T00:00:00Z"})");
  EXPECT_EQ(encode_chat_welcome("tok", 0, false),
            R"({"type":"welcome","visitor_token":"tok","seq":0,"agents_online":false})");
  EXPECT_EQ(encode_chat_error("bad_json", "x"), R"({"type":"error","code":"bad_json","message":"x"})");
}

}  // namespace
}  // namespace touchpoint::protocol
