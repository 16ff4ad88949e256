#include "protocol/search_query.hpp"

#include <gtest/gtest.h>

namespace touchpoint::protocol {
namespace {

TEST(FtsQuery, QuotesEveryWord) {
  EXPECT_EQ(fts_query("refund order"), R"("refund" "order")");
  EXPECT_EQ(fts_query("  perché  "), R"("perché")");
  EXPECT_EQ(fts_query("#1234"), R"("1234")");
}

TEST(FtsQuery, NeutralisesFts5Syntax) {
  EXPECT_EQ(fts_query(R"(a" OR "b)"), R"("a" "OR" "b")");
  EXPECT_EQ(fts_query("NEAR(x y) col:z ^w -v *"), R"("NEAR" "x" "y" "col" "z" "w" "v")");
  EXPECT_FALSE(fts_query(R"( "*^:() )"));
  EXPECT_FALSE(fts_query(""));
}

TEST(FtsQuery, KeepsAtMostSixteenWords) {
  std::string many;
  for (int i = 0; i < 40; ++i) many += "w" + std::to_string(i) + " ";
  auto q = fts_query(many);
  ASSERT_TRUE(q);
  EXPECT_EQ(std::count(q->begin(), q->end(), '"'), 32);
}

}  // namespace
}  // namespace touchpoint::protocol
