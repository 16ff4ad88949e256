// The SMTP and LMTP conversation, command by command: the replies a real MTA expects, the
// limits, and the message handed over only at the final dot.
#include "protocol/smtp_session.hpp"

#include <gtest/gtest.h>

namespace touchpoint::protocol {
namespace {

SmtpSession session(SmtpMode mode = SmtpMode::smtp, SmtpLimits limits = {}) {
  return SmtpSession(mode, "tickets.acme.test", limits,
                     [](std::string_view a) { return a == "support@acme.test" || a == "sales@acme.test"; });
}

std::string code(const SmtpSession::Step& s) { return s.reply.substr(0, 3); }

TEST(SmtpSession, AFullConversationHandsOverTheMessageAtTheFinalDot) {
  auto s = session();
  EXPECT_EQ(s.greeting(), "220 tickets.acme.test ESMTP Touchpoint\r\n");
  auto ehlo = s.line("EHLO mta.example.net");
  EXPECT_NE(ehlo.reply.find("250-PIPELINING\r\n"), std::string::npos);
  EXPECT_NE(ehlo.reply.find("250-SIZE 26214400\r\n"), std::string::npos);
  EXPECT_NE(ehlo.reply.find("250-8BITMIME\r\n"), std::string::npos);
  EXPECT_NE(ehlo.reply.find("250 ENHANCEDSTATUSCODES\r\n"), std::string::npos);
  EXPECT_EQ(s.line("MAIL FROM:<Alice@Example.org> SIZE=1234 BODY=8BITMIME").reply, "250 2.1.0 Ok\r\n");
  EXPECT_EQ(s.line("RCPT TO:<Support@acme.test>").reply, "250 2.1.5 Ok\r\n");
  EXPECT_EQ(code(s.line("RCPT TO:<nobody@acme.test>")), "550");
  EXPECT_EQ(code(s.line("DATA")), "354");
  EXPECT_TRUE(s.line("Subject: hi").reply.empty());
  s.line("");
  s.line("..a line that began with a dot");
  auto end = s.line(".");
  ASSERT_TRUE(end.message_ready);
  auto m = s.take_message();
  EXPECT_EQ(m.helo, "mta.example.net");
  EXPECT_EQ(m.mail_from, "alice@example.org");
  EXPECT_EQ(m.recipients, std::vector<std::string>{"support@acme.test"});
  EXPECT_EQ(m.data, "Subject: hi\r\n\r\n.a line that began with a dot\r\n");
  EXPECT_EQ(s.stored(StoreOutcome::stored, "m42"), "250 2.0.0 Ok: stored as m42\r\n");
  EXPECT_EQ(s.stored(StoreOutcome::unavailable, ""), "451 4.3.0 Cannot store the message now, try again later\r\n");
  // The next transaction starts clean.
  EXPECT_EQ(code(s.line("RCPT TO:<support@acme.test>")), "503");
  EXPECT_EQ(code(s.line("MAIL FROM:<>")), "250");  // a bounce's null path is fine
  auto quit = s.line("QUIT");
  EXPECT_EQ(code(quit), "221");
  EXPECT_TRUE(quit.close);
}

TEST(SmtpSession, CommandsOutOfOrderOrMalformedGetTheRightCodes) {
  auto s = session();
  EXPECT_EQ(code(s.line("LHLO x")), "500");  // not LMTP
  EXPECT_EQ(code(s.line("HELO")), "501");
  EXPECT_EQ(s.line("HELO mta").reply, "250 tickets.acme.test\r\n");
  EXPECT_EQ(code(s.line("DATA")), "503");
  EXPECT_EQ(code(s.line("MAIL TO:<a@b.c>")), "501");
  EXPECT_EQ(code(s.line("MAIL FROM:<not an address>")), "501");
  EXPECT_EQ(code(s.line("MAIL FROM:<a@b.c> SIZE=99999999999")), "552");
  EXPECT_EQ(code(s.line("MAIL FROM:<a@b.c> FOO=1")), "555");
  EXPECT_EQ(code(s.line("MAIL FROM: a@b.c")), "250");  // sloppy but common: accepted
  EXPECT_EQ(code(s.line("MAIL FROM:<a@b.c>")), "503");  // nested
  EXPECT_EQ(code(s.line("RCPT TO:<@relay.example:support@acme.test>")), "250");  // source route
  EXPECT_EQ(code(s.line("RSET")), "250");
  EXPECT_EQ(code(s.line("NOOP")), "250");
  EXPECT_EQ(code(s.line("VRFY support")), "252");
  EXPECT_EQ(code(s.line("STARTTLS")), "502");
  EXPECT_EQ(code(s.line("WHAT")), "500");
  EXPECT_EQ(code(s.line(std::string(600, 'A'))), "500");
}

TEST(SmtpSession, AnOversizedMessageIsReadToTheEndThenRefusedWith552) {
  SmtpLimits limits;
  limits.max_message_bytes = 100;
  auto s = session(SmtpMode::smtp, limits);
  s.line("EHLO x");
  s.line("MAIL FROM:<a@b.c>");
  s.line("RCPT TO:<support@acme.test>");
  s.line("DATA");
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(s.line(std::string(50, 'x')).reply.empty());
  auto end = s.line(".");
  EXPECT_FALSE(end.message_ready);
  EXPECT_EQ(code(end), "552");
  EXPECT_EQ(code(s.line("MAIL FROM:<a@b.c>")), "250");  // the session goes on
}

TEST(SmtpSession, RecipientsAndCommandsAreBounded) {
  SmtpLimits limits;
  limits.max_recipients = 1;
  limits.max_commands = 6;
  auto s = session(SmtpMode::smtp, limits);
  s.line("EHLO x");
  s.line("MAIL FROM:<a@b.c>");
  EXPECT_EQ(code(s.line("RCPT TO:<support@acme.test>")), "250");
  EXPECT_EQ(s.line("RCPT TO:<sales@acme.test>").reply, "452 4.5.3 Too many recipients\r\n");
  s.line("NOOP");
  s.line("NOOP");
  auto over = s.line("NOOP");
  EXPECT_EQ(code(over), "421");
  EXPECT_TRUE(over.close);
}

TEST(SmtpSession, AClientThatSkipsTheGreetingIsServedAsPostfixWould) {
  auto s = session();
  EXPECT_EQ(code(s.line("MAIL FROM:<a@b.c>")), "250");
  EXPECT_EQ(code(s.line("RCPT TO:<support@acme.test>")), "250");
}

TEST(SmtpSession, TooManyErrorsEndTheSession) {
  SmtpLimits limits;
  limits.max_errors = 3;
  auto s = session(SmtpMode::smtp, limits);
  s.line("X");
  s.line("Y");
  auto third = s.line("Z");
  EXPECT_EQ(code(third), "421");
  EXPECT_TRUE(third.close);
}

TEST(LmtpSession, SaysLhloAndAnswersOncePerRecipientAfterTheDot) {
  auto s = session(SmtpMode::lmtp);
  EXPECT_EQ(s.greeting(), "220 tickets.acme.test LMTP Touchpoint\r\n");
  EXPECT_EQ(code(s.line("EHLO x")), "500");
  EXPECT_EQ(code(s.line("MAIL FROM:<a@b.c>")), "503");  // LMTP requires LHLO first
  EXPECT_EQ(code(s.line("LHLO mta")), "250");
  s.line("MAIL FROM:<a@b.c>");
  s.line("RCPT TO:<support@acme.test>");
  s.line("RCPT TO:<sales@acme.test>");
  s.line("DATA");
  s.line("hi");
  ASSERT_TRUE(s.line(".").message_ready);
  s.take_message();
  EXPECT_EQ(s.stored(StoreOutcome::stored, "m1"),
            "250 2.0.0 <support@acme.test> delivered as m1\r\n"
            "250 2.0.0 <sales@acme.test> delivered as m1\r\n");
}

TEST(ParsePath, ReadsAddressesAndParameters) {
  std::string a;
  std::vector<std::string> p;
  ASSERT_TRUE(parse_path("<Ada@Example.org> size=10 body=8BITMIME", a, p));
  EXPECT_EQ(a, "ada@example.org");
  EXPECT_EQ(p, (std::vector<std::string>{"SIZE=10", "BODY=8BITMIME"}));
  ASSERT_TRUE(parse_path("<>", a, p));
  EXPECT_EQ(a, "");
  EXPECT_FALSE(parse_path("<ada@example.org", a, p));
  EXPECT_FALSE(parse_path("<ada>", a, p));
  EXPECT_FALSE(parse_path("<" + std::string(400, 'a') + "@b.c>", a, p));
}

}  // namespace
}  // namespace touchpoint::protocol
