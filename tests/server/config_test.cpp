#include "server/config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "../storage/temp_dir.hpp"

namespace touchpoint::server {
namespace {

class ConfigTest : public testing::Test {
 protected:
  std::string write(const std::string& text) {
    std::string path = dir_.str() + "/touchpoint.toml";
    std::ofstream(path) << text;
    return path;
  }
  testing_support::TempDir dir_;
};

TEST_F(ConfigTest, ReadsServerAndChannelsAndResolvesEnvSecrets) {
  ::setenv("TP_TEST_TOKEN", "from-env", 1);
  auto c = load_config(write(R"(
[server]
public_url = "https://help.example.com"
http = "0.0.0.0:9000"
data = "/var/lib/touchpoint"

[[channel]]
type = "api"
name = "crm"
token = "env:TP_TEST_TOKEN"
callback_url = "http://127.0.0.1:9100/out"

[[channel]]
type = "webchat"
name = "site"
website_token = "w"
allowed_origins = ["https://example.com"]
)"));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->public_url, "https://help.example.com");
  EXPECT_EQ(c->http, "0.0.0.0:9000");
  EXPECT_EQ(c->data_dir, "/var/lib/touchpoint");
  ASSERT_EQ(c->channels.size(), 2u);
  EXPECT_EQ(c->channel("api", "crm")->get("token"), "from-env");
  EXPECT_EQ(c->channel("webchat", "site")->lists.at("allowed_origins").at(0), "https://example.com");
  EXPECT_EQ(c->channel("api", "site"), nullptr);
}

TEST_F(ConfigTest, ErrorsNameTheProblem) {
  struct Case {
    const char* toml;
    const char* says;
  } cases[] = {
      {"[server\n", "line"},
      {"[server]\nport = 1\n", "server.port"},
      {"[[channel]]\ntype = \"fax\"\nname = \"x\"\n", "fax"},
      {"[[channel]]\ntype = \"api\"\nname = \"x\"\n", "token"},
      {"[[channel]]\ntype = \"api\"\nname = \"x\"\ntoken = \"env:TP_SURELY_UNSET\"\n",
       "TP_SURELY_UNSET"},
      {"[[channel]]\ntype=\"api\"\nname=\"x\"\ntoken=\"a\"\n[[channel]]\ntype=\"api\"\nname=\"x\"\n"
       "token=\"b\"\n",
       "twice"},
      {"[server]\nhttp = \"nohost\"\n", "HOST:PORT"},
      {"[[channel]]\ntype=\"telegram\"\nname=\"t\"\nbot_token=\"1:A\"\nsecret_token=\"s\"\n"
       "[[channel.template]]\nname=\"x\"\nlanguage=\"en\"\ntext=\"hi\"\n",
       "whatsapp and twilio"},
      {"[[channel]]\ntype=\"twilio\"\nname=\"t\"\naccount_sid=\"AC\"\nauth_token=\"a\"\nfrom=\"+1\"\n"
       "[[channel.template]]\nname=\"x\"\nlanguage=\"en\"\ntext=\"hi\"\n",
       "content_sid"},
      {"[[channel]]\ntype=\"twilio\"\nname=\"t\"\naccount_sid=\"AC\"\nauth_token=\"a\"\nfrom=\"+1\"\n"
       "[[channel.template]]\nname=\"x\"\nlanguage=\"en\"\ntext=\"hi\"\ncolour=\"red\"\n",
       "unknown key colour"},
      {"[[channel]]\ntype=\"email\"\nname=\"e\"\n", "needs address"},
      {"[[channel]]\ntype=\"email\"\nname=\"e\"\naddress=\"support\"\n", "not an email address"},
      {"[[channel]]\ntype=\"email\"\nname=\"e\"\naddress=\"a@b.c\"\n"
       "[[channel]]\ntype=\"email\"\nname=\"f\"\naddresses=[\"x@b.c\", \"A@b.c\"]\n",
       "belongs to two"},
      {"[[channel]]\ntype=\"email\"\nname=\"e\"\naddress=\"a@b.c\"\nimap_url=\"https://x/INBOX\"\n", "imap_url must be"},
      {"[[channel]]\ntype=\"email\"\nname=\"e\"\naddress=\"a@b.c\"\nimap_url=\"imap://x\"\nimap_poll_seconds=0\n",
       "imap_poll_seconds must be"},
      {"[[channel]]\ntype=\"email\"\nname=\"e\"\naddress=\"a@b.c\"\nimap_user=\"u\"\n", "need imap_url"},
      {"[[channel]]\ntype=\"api\"\nname=\"x\"\ntoken=\"t\"\nimap_url=\"imap://x\"\n", "only email channels"},
  };
  for (const auto& k : cases) {
    auto c = load_config(write(k.toml));
    ASSERT_FALSE(c) << k.toml;
    EXPECT_NE(c.error().message.find(k.says), std::string::npos) << c.error().message;
  }
}

// The SLA section's mistakes fail the start with one line naming the key (issue #13).
TEST_F(ConfigTest, SlaErrorsNameTheKey) {
  const char* cal = "[[calendar]]\nname=\"office\"\ntimezone=\"Europe/Rome\"\nhours=[\"mon-fri 09:00-18:00\"]\n";
  struct Case {
    std::string toml;
    const char* says;
  } cases[] = {
      {"[[calendar]]\nname=\"o\"\ntimezone=\"Mars/Olympus\"\nhours=[\"mon 09:00-10:00\"]\n",
       "calendar o: timezone 'Mars/Olympus'"},
      {"[[calendar]]\nname=\"o\"\ntimezone=\"Europe/Rome\"\nhours=[\"mon 09:00-25:00\"]\n",
       "hours frame 'mon 09:00-25:00'"},
      {"[[calendar]]\nname=\"o\"\ntimezone=\"Europe/Rome\"\nhours=[\"mon 09:00-12:00\", \"mon 11:00-13:00\"]\n",
       "overlap"},
      {"[[calendar]]\nname=\"o\"\ntimezone=\"Europe/Rome\"\nhours=[\"mon 09:00-12:00\"]\nholidays=[\"2026-13-01\"]\n",
       "holiday '2026-13-01'"},
      {"[[sla]]\nname=\"vip\"\nfirst_reply=\"5x\"\n", "sla vip: first_reply \"5x\""},
      {"[[sla]]\nname=\"vip\"\ncalendar=\"nowhere\"\n", "sla vip: calendar \"nowhere\""},
      {"[[sla]]\nname=\"vip\"\npause_statuses=[\"waiting\"]\n", "sla vip: pause_statuses: \"waiting\""},
      {"[[sla]]\nname=\"vip\"\nmatch={ colour=[\"red\"] }\n", "match.colour"},
      {"[[sla]]\nname=\"vip\"\nmatch={ priority=[\"asap\"] }\n", "unknown priority \"asap\""},
      {"[[sla]]\nname=\"vip\"\nwarn_before=\"\"\nresolution=\"1h 30m\"\n", "resolution"},
      {"[[sla]]\nname=\"vip\"\n[[sla]]\nname=\"vip\"\n", "sla vip: defined twice"},
      {"[[sla]]\nname=\"vip\"\nfirst_reply=\"1h\"\nfirst_replies=\"2h\"\n", "unknown key first_replies"},
      {std::string(cal) + "[[sla]]\nname=\"ok\"\ncalendar=\"office\"\nfirst_reply=90\n", "sla ok.first_reply must be a string"},
  };
  for (const auto& k : cases) {
    auto c = load_config(write(k.toml));
    ASSERT_FALSE(c) << k.toml;
    EXPECT_NE(c.error().message.find(k.says), std::string::npos) << c.error().message;
    EXPECT_EQ(c.error().message.find('\n'), std::string::npos) << "one line";
  }
  auto good = load_config(write(std::string(cal) +
                                "[[sla]]\nname=\"vip\"\ncalendar=\"office\"\nmatch={ tags=[\"vip\"] }\n"
                                "first_reply=\"1h\"\nnext_reply=\"4h\"\nresolution=\"2d\"\n"
                                "[[sla]]\nname=\"rest\"\nfirst_reply=\"8h\"\n"));
  ASSERT_TRUE(good) << good.error().message;
  const auto* vip = good->sla->match({"normal", "email", "support", "", {"vip", "x"}});
  ASSERT_NE(vip, nullptr);
  EXPECT_EQ(vip->name, "vip");
  EXPECT_EQ(vip->targets.resolution, 172800);
  EXPECT_NE(vip->targets.calendar, nullptr);
  EXPECT_EQ(good->sla->match({"normal", "email", "support", "", {}})->name, "rest");
}

TEST_F(ConfigTest, ReadsAWhatsAppChannelsApprovedTemplates) {
  auto c = load_config(write(R"(
[[channel]]
type = "whatsapp"
name = "wa"
phone_number_id = "1"
access_token = "t"
app_secret = "s"
verify_token = "v"

  [[channel.template]]
  name = "order_update"
  language = "en_US"
  text = "Hello {{1}}, there is news on your order {{2}}."

  [[channel.template]]
  name = "order_update"
  language = "it"
  text = "Ciao {{1}}, novità sul tuo ordine {{2}}."
)"));
  ASSERT_TRUE(c) << c.error().message;
  auto catalog = c->template_catalog();
  const auto& wa = catalog.at({"whatsapp", "wa"});
  ASSERT_EQ(wa.size(), 2u);
  EXPECT_EQ(wa[1].language, "it");
  EXPECT_EQ(wa[1].text, "Ciao {{1}}, novità sul tuo ordine {{2}}.");
}

TEST_F(ConfigTest, RoutesEveryEmailAddressToItsChannelCaseInsensitively) {
  auto c = load_config(write(R"(
[[channel]]
type = "email"
name = "support"
address = "Support@Acme.test"

[[channel]]
type = "email"
name = "sales"
addresses = ["sales@acme.test", "vendite@acme.test"]
)"));
  ASSERT_TRUE(c) << c.error().message;
  EmailRoutes want = {{"support@acme.test", "support"}, {"sales@acme.test", "sales"}, {"vendite@acme.test", "sales"}};
  EXPECT_EQ(c->email_routes(), want);
}

TEST_F(ConfigTest, AnEmailChannelMayReadAnImapMailboxWithANumericPollInterval) {
  auto c = load_config(write(R"(
[[channel]]
type = "email"
name = "support"
address = "support@acme.test"
imap_url = "imaps://imap.acme.test/INBOX"
imap_user = "support@acme.test"
imap_password = "secret"
imap_poll_seconds = 30
)"));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->channels[0].get("imap_poll_seconds"), "30");
}

TEST(ParseHostPort, AcceptsIpv4Ipv6AndPortZero) {
  EXPECT_EQ(parse_host_port("127.0.0.1:8080")->port, 8080);
  EXPECT_EQ(parse_host_port("[::1]:0")->host, "::1");
  EXPECT_FALSE(parse_host_port("127.0.0.1:99999"));
  EXPECT_FALSE(parse_host_port("127.0.0.1:"));
}

}  // namespace
}  // namespace touchpoint::server
