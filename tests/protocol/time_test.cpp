#include "protocol/time.hpp"

#include <gtest/gtest.h>

namespace touchpoint {
namespace {

TEST(Rfc3339, ParsesUtcOffsetsAndFractions) {
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_rfc3339("2026-11-22T10:00:00Z"), 1795341600);
  EXPECT_EQ(parse_rfc3339("2026-11-22T11:00:00.250+01:00"), 1795341600);
  EXPECT_EQ(parse_rfc3339("2026-11-22T05:30:00-04:30"), 1795341600);
}

TEST(Rfc3339, RejectsWhatIsNotATime) {
  for (const char* s : {"", "2026-11-22", "2026-11-22T10:00:00", "2026-13-01T00:00:00Z",
                        "2026-02-30T00:00:00Z", "2026-11-22T25:00:00Z", "2026-11-22T10:00:00Zx",
                        "2026-11-22T10:00:00.Z", "2026-11-22T10:00:00+1:00"})
    EXPECT_FALSE(parse_rfc3339(s)) << s;
}

TEST(Rfc3339, FormatsUtcAndRoundTrips) {
  EXPECT_EQ(format_rfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_rfc3339(1795341600), "2026-11-22T10:00:00Z");
  for (int64_t t : {int64_t{-86401}, int64_t{951782400}, int64_t{4102444799}})
    EXPECT_EQ(parse_rfc3339(format_rfc3339(t)), t);
}

}  // namespace
}  // namespace touchpoint
