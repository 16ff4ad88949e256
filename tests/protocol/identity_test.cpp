#include "protocol/identity.hpp"

#include <gtest/gtest.h>

namespace touchpoint::protocol {
namespace {

TEST(NormalizeEmail, LowercasesAndTrims) {
  EXPECT_EQ(normalize_email(" Ada@Example.COM "), "ada@example.com");
  EXPECT_FALSE(normalize_email("no-at-sign"));
  EXPECT_FALSE(normalize_email("@example.com"));
  EXPECT_FALSE(normalize_email("a@"));
  EXPECT_FALSE(normalize_email("a b@example.com"));
  EXPECT_FALSE(normalize_email("<a@example.com>"));
}

TEST(NormalizePhone, KeepsPlusAndDigits) {
  EXPECT_EQ(normalize_phone("+39 333-123 4567"), "+393331234567");
  EXPECT_EQ(normalize_phone("(555) 010.9999"), "+5550109999");
  EXPECT_FALSE(normalize_phone("12345"));
  EXPECT_FALSE(normalize_phone("+1 555 CALL NOW"));
  EXPECT_FALSE(normalize_phone("1+1234567"));
  EXPECT_FALSE(normalize_phone("+1234567890123456"));
}

}  // namespace
}  // namespace touchpoint::protocol
