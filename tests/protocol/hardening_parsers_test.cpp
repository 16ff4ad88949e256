// The small parsers that guard the edges: UTF-8 repair, HTTP field values and media types,
// same-origin evidence, WebSocket frames.
#include <gtest/gtest.h>

#include "protocol/http_field.hpp"
#include "protocol/origin.hpp"
#include "protocol/query_string.hpp"
#include "protocol/utf8.hpp"
#include "protocol/websocket_frame.hpp"

namespace touchpoint::protocol {
namespace {

TEST(Utf8, ValidTextIsKeptAndBrokenBytesBecomeReplacementCharacters) {
  EXPECT_TRUE(is_valid_utf8("plain"));
  EXPECT_TRUE(is_valid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
  EXPECT_TRUE(is_valid_utf8(std::string("a\0b", 3)));  // NUL is a character
  struct Case {
    std::string in, out;
  } cases[] = {
      {"hello \xff\xfe", "hello \xEF\xBF\xBD\xEF\xBF\xBD"},
      {"\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD"},             // overlong '/'
      {"\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},  // a surrogate
      {"\xF4\x90\x80\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},  // past U+10FFFF
      {"ab\xE2\x82", "ab\xEF\xBF\xBD"},                     // a truncated euro sign: one U+FFFD
      {"\xE2\x82x", "\xEF\xBF\xBDx"},
  };
  for (const auto& c : cases) {
    EXPECT_FALSE(is_valid_utf8(c.in)) << c.in;
    EXPECT_EQ(repair_utf8(c.in), c.out) << c.in;
    EXPECT_TRUE(is_valid_utf8(repair_utf8(c.in)));
  }
}

TEST(QueryString, BytesThatAreNotUtf8AreMalformed) {
  EXPECT_FALSE(parse_query_string("/api/v1/tickets?q=x%FFy"));
  EXPECT_TRUE(parse_query_string("/api/v1/tickets?q=caf%C3%A9"));
}

TEST(HttpField, ValuesWithLineBreaksAreNoFieldValues) {
  EXPECT_TRUE(is_field_value("attachment; filename=\"a b.pdf\"\t"));
  EXPECT_FALSE(is_field_value("text/plain\r\nSet-Cookie: tp_session=planted"));
  EXPECT_FALSE(is_field_value(std::string("a\0b", 3)));
  EXPECT_TRUE(is_http_token("X-Touchpoint-Content-Type"));
  EXPECT_FALSE(is_http_token("Bad Name"));
}

TEST(HttpField, MediaTypesFollowRfc9110) {
  EXPECT_EQ(parse_media_type("Text/Plain; Charset=utf-8"), "text/plain; charset=utf-8");
  EXPECT_EQ(parse_media_type("application/pdf"), "application/pdf");
  EXPECT_EQ(parse_media_type("multipart/mixed; boundary=\"a;b\""), "multipart/mixed; boundary=\"a;b\"");
  EXPECT_EQ(parse_media_type("text/plain;"), "text/plain");
  for (const char* bad : {"", "text", "text/", "/plain", "text/plain\r\nSet-Cookie: x=1",
                          "text/plain; charset", "text/pl ain", "text/plain; a=\"unterminated"})
    EXPECT_FALSE(parse_media_type(bad)) << bad;
  EXPECT_EQ(media_type_or_bytes("text/plain\r\nSet-Cookie: x=1"), "application/octet-stream");
  EXPECT_FALSE(parse_media_type(std::string(300, 'a') + "/b"));
}

TEST(Origin, OursIsPublicUrlOrTheHostAskedFor) {
  const char* ours = "https://help.example.com";
  EXPECT_TRUE(from_our_origin({"https://help.example.com", "", "help.example.com"}, ours));
  EXPECT_TRUE(from_our_origin({"https://HELP.example.com:443", "", "x"}, ours));
  EXPECT_TRUE(from_our_origin({"http://127.0.0.1:8080", "", "127.0.0.1:8080"}, ours));
  EXPECT_FALSE(from_our_origin({"https://evil.example", "", "help.example.com"}, ours));
  EXPECT_FALSE(from_our_origin({"null", "", "help.example.com"}, ours));
  EXPECT_FALSE(from_our_origin({"http://help.example.com:8080", "", "help.example.com"}, ours));
  EXPECT_TRUE(from_our_origin({"", "same-origin", "help.example.com"}, ours));
  EXPECT_FALSE(from_our_origin({"", "cross-site", "help.example.com"}, ours));
  EXPECT_FALSE(from_our_origin({"", "", "help.example.com"}, ours));
}

std::string masked(std::uint8_t first, std::string_view payload) {
  std::string f;
  f.push_back(static_cast<char>(first));
  f.push_back(static_cast<char>(0x80 | payload.size()));
  const char mask[4] = {0x11, 0x22, 0x33, 0x44};
  f.append(mask, 4);
  for (std::size_t i = 0; i < payload.size(); ++i) f.push_back(payload[i] ^ mask[i % 4]);
  return f;
}

TEST(WebSocketFrame, ServerFramesAreUnmaskedWithTheRightLength) {
  EXPECT_EQ(ws_text_frame("hi"), std::string("\x81\x02hi"));
  auto mid = ws_text_frame(std::string(300, 'x'));
  EXPECT_EQ(mid.substr(0, 4), std::string("\x81\x7e\x01\x2c"));
  auto big = ws_text_frame(std::string(70000, 'x'));
  EXPECT_EQ(static_cast<unsigned char>(big[1]), 127);
  EXPECT_EQ(big.size(), 70000u + 10);
  EXPECT_EQ(ws_close_frame(1000), std::string("\x88\x02\x03\xe8"));
}

TEST(WebSocketFrame, ClientFramesAreUnmaskedAndJoined) {
  WsFrameReader r(1024);
  std::string bytes = masked(0x01, "hel") + masked(0x89, "p") + masked(0x80, "lo");
  r.feed(bytes.substr(0, 5));
  EXPECT_FALSE(r.next());  // not whole yet
  r.feed(bytes.substr(5));
  auto ping = r.next();  // a control frame may come between fragments
  ASSERT_TRUE(ping);
  EXPECT_EQ(ping->opcode, WsOpcode::ping);
  EXPECT_EQ(ping->payload, "p");
  auto text = r.next();
  ASSERT_TRUE(text);
  EXPECT_EQ(text->opcode, WsOpcode::text);
  EXPECT_EQ(text->payload, "hello");
  EXPECT_FALSE(r.error());
}

TEST(WebSocketFrame, ProtocolViolationsAreRefused) {
  {
    WsFrameReader r(1024);
    r.feed(std::string("\x81\x02hi"));  // unmasked from a client
    EXPECT_FALSE(r.next());
    EXPECT_EQ(r.error(), 1002);
  }
  {
    WsFrameReader r(4);
    r.feed(masked(0x81, "too long"));
    EXPECT_FALSE(r.next());
    EXPECT_EQ(r.error(), 1009);
  }
  {
    WsFrameReader r(1024);
    r.feed(masked(0x09, "p"));  // a fragmented control frame
    EXPECT_FALSE(r.next());
    EXPECT_EQ(r.error(), 1002);
  }
}

}  // namespace
}  // namespace touchpoint::protocol
