#include "protocol/delivery.hpp"

#include <gtest/gtest.h>

#include "protocol/query_string.hpp"
#include "protocol/signature.hpp"
#include "protocol/url.hpp"

namespace touchpoint::protocol {
namespace {

TEST(ClassifyHttpDelivery, SuccessRetryAndFailure) {
  EXPECT_EQ(classify_http_delivery(200, "", "").kind, DeliveryKind::sent);
  EXPECT_EQ(classify_http_delivery(204, "", "").kind, DeliveryKind::sent);
  EXPECT_EQ(classify_http_delivery(0, "", "connect: refused").kind, DeliveryKind::retry);
  EXPECT_EQ(classify_http_delivery(429, "", "").kind, DeliveryKind::retry);
  EXPECT_EQ(classify_http_delivery(502, "", "").kind, DeliveryKind::retry);
  auto f = classify_http_delivery(404, "no such user", "");
  EXPECT_EQ(f.kind, DeliveryKind::failed);
  EXPECT_EQ(f.error, "HTTP 404: no such user");
}

TEST(RetryDelay, DoublesUpToTheCap) {
  EXPECT_EQ(retry_delay_seconds(0, 5, 3600), 5);
  EXPECT_EQ(retry_delay_seconds(3, 5, 3600), 40);
  EXPECT_EQ(retry_delay_seconds(40, 5, 3600), 3600);
  EXPECT_EQ(retry_delay_seconds(7, 0, 3600), 0);
}

TEST(HmacSha256, MatchesRfc4231TestCase2) {
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(touchpoint_signature("Jefe", "what do ya want for nothing?").substr(0, 7), "sha256=");
}

TEST(ParseUrl, SplitsWhatAClientNeeds) {
  auto u = parse_url("http://127.0.0.1:9100/out?x=1");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, "9100");
  EXPECT_EQ(u->target, "/out?x=1");
  EXPECT_EQ(parse_url("https://graph.facebook.com")->port, "443");
  EXPECT_EQ(parse_url("https://graph.facebook.com")->target, "/");
  EXPECT_EQ(parse_url("http://[::1]:8080/a")->host, "::1");
  EXPECT_FALSE(parse_url("ftp://x/"));
  EXPECT_FALSE(parse_url("http://user:pw@host/"));
  EXPECT_FALSE(parse_url("http://host:port/"));
  EXPECT_FALSE(parse_url("nonsense"));
}

TEST(ParseQueryString, DecodesAndRejectsBrokenEscapes) {
  auto q = parse_query_string("/api/v1/tickets?status=open,new&q=a+b%21&empty=");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->at("status"), "open,new");
  EXPECT_EQ(q->at("q"), "a b!");
  EXPECT_EQ(q->at("empty"), "");
  EXPECT_TRUE(parse_query_string("/x")->empty());
  EXPECT_FALSE(parse_query_string("/x?a=%2"));
  EXPECT_FALSE(parse_query_string("/x?a=%zz"));
}

}  // namespace
}  // namespace touchpoint::protocol
