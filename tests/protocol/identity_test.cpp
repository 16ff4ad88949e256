#include "protocol/identity.hpp"

#include <gtest/gtest.h>

#include "protocol/language.hpp"

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

TEST(LanguageTag, KeepsAWellFormedTagLowercasedAndDropsAnythingElse) {
  EXPECT_EQ(language_tag("it"), "it");
  EXPECT_EQ(language_tag("it-IT"), "it-it");
  EXPECT_EQ(language_tag("pt_BR"), "pt-br");
  EXPECT_EQ(language_tag("es-419"), "es-419");
  EXPECT_EQ(language_tag("fil"), "fil");
  EXPECT_EQ(language_tag("zh-Hant-TW"), "zh-hant-tw");
  for (const char* bad : {"", "e", "engl", "1t", "it-", "-it", "it--it", "it it", "it;q=0.9", "<b>", "ça"})
    EXPECT_EQ(language_tag(bad), "") << bad;
  EXPECT_EQ(language_tag(std::string(36, 'a')), "");
}

}  // namespace
}  // namespace touchpoint::protocol
