#include "protocol/histogram.hpp"

#include <gtest/gtest.h>

namespace touchpoint::protocol {
namespace {

TEST(Histogram, RendersCumulativeBuckets) {
  Histogram h({1, 10});
  h.observe(0.5);
  h.observe(1);
  h.observe(5);
  h.observe(50);
  std::string out;
  h.render(out, "x", "a=\"b\"");
  EXPECT_EQ(out,
            "x_bucket{a=\"b\",le=\"1\"} 2\n"
            "x_bucket{a=\"b\",le=\"10\"} 3\n"
            "x_bucket{a=\"b\",le=\"+Inf\"} 4\n"
            "x_sum{a=\"b\"} 56.500000\n"
            "x_count{a=\"b\"} 4\n");
}

}  // namespace
}  // namespace touchpoint::protocol
