// What agents send: a reply or note with files, and the refusals that keep bad input out.
#include "protocol/agent_api.hpp"

#include <gtest/gtest.h>

namespace touchpoint::protocol {
namespace {

TEST(ParseAgentMessage, TakesFilesAsBase64AndRefusesBadOnes) {
  auto m = parse_agent_message(
      R"({"body":"Invoice attached","attachments":[{"filename":"a.pdf","content_type":"application/pdf",)"
      R"("content_base64":"JVBERi0xLjQ="},{"content_base64":""}]})");
  ASSERT_TRUE(m) << m.error().message;
  ASSERT_EQ(m->attachments.size(), 2u);
  EXPECT_EQ(m->attachments[0].filename, "a.pdf");
  EXPECT_EQ(m->attachments[0].data, "%PDF-1.4");
  EXPECT_EQ(m->attachments[1].filename, "attachment");
  EXPECT_EQ(m->attachments[1].content_type, "application/octet-stream");
  for (const char* bad : {R"({"body":"x","attachments":{}})", R"({"body":"x","attachments":[1]})",
                          R"({"body":"x","attachments":[{"filename":"a"}]})",
                          R"({"body":"x","attachments":[{"content_base64":"not base64!"}]})"}) {
    auto r = parse_agent_message(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, Errc::bad_request);
  }
  std::string many = R"({"body":"x","attachments":[)";
  for (int i = 0; i < 21; ++i) many += std::string(i ? "," : "") + R"({"content_base64":"YQ=="})";
  EXPECT_FALSE(parse_agent_message(many + "]}"));
}

}  // namespace
}  // namespace touchpoint::protocol
