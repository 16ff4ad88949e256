// Inbound mail to what a ticket needs: charsets of the seeds' languages, multipart layouts,
// attachments, quoted history, and the headers that mark mail as automatic.
#include "protocol/email_parse.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace touchpoint::protocol {
namespace {

std::string eml(const std::string& name) {
  std::ifstream in(std::string(TOUCHPOINT_FIXTURES) + "/email/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(ParseEmail, ItalianQuotedPrintableWithEncodedWordsAndAQuotedReply) {
  auto m = parse_email(eml("italian_reply.eml"), "nicolo.bianchi@example.it");
  EXPECT_EQ(m.message_id, "CAit.1@mail.example.it");
  EXPECT_EQ(m.in_reply_to, std::vector<std::string>{"tp.12.5@acme.test"});
  EXPECT_EQ(m.references, (std::vector<std::string>{"first.1@mail.example.it", "tp.12.5@acme.test"}));
  EXPECT_EQ(m.from_address, "nicolo.bianchi@example.it");
  EXPECT_EQ(m.from_name, "Nicolò Bianchi");
  EXPECT_EQ(m.to, std::vector<std::string>{"support@acme.test"});
  EXPECT_EQ(m.subject, "Re: [#12] Il pacco non è arrivato");
  EXPECT_EQ(subject_ticket_token(m.subject), 12);
  ASSERT_TRUE(m.date);
  EXPECT_EQ(*m.date, 1793697300);  // 2026-11-03 09:15:00 UTC
  EXPECT_NE(m.text.find("Può verificare?"), std::string::npos);
  EXPECT_NE(m.text.find("il pacco è partito"), std::string::npos);  // the full text keeps it all
  EXPECT_EQ(m.reply_text, "Buongiorno, il pacco non è ancora arrivato. Può verificare?");
  EXPECT_EQ(m.automatic, "");
}

TEST(ParseEmail, SpanishLatin1AlternativePrefersThePlainTextAndKeepsTheHtml) {
  auto m = parse_email(eml("spanish_alternative.eml"), "maria@example.es");
  EXPECT_EQ(m.subject, "Cambio de dirección");
  EXPECT_EQ(m.from_name, "María López");
  EXPECT_EQ(m.text, "Hola, quiero cambiar la dirección de envío. ¿Es posible?\n\nGracias,\nMaría");
  ASSERT_TRUE(m.html);
  EXPECT_NE(m.html->find("<b>dirección</b>"), std::string::npos);
  EXPECT_TRUE(m.attachments.empty());
}

TEST(ParseEmail, PolishIso88592WithAnInlineImageAndAnAttachment) {
  auto m = parse_email(eml("polish_attachments.eml"), "pawel@example.pl");
  EXPECT_EQ(m.subject, "Reklamacja żółtego krzesła");
  EXPECT_EQ(m.from_name, "Paweł Kowalski");
  EXPECT_EQ(m.text, "Dzień dobry, zamówienie nr 4411 przyszło uszkodzone. Załączam zdjęcie.");
  ASSERT_EQ(m.attachments.size(), 2u);
  EXPECT_EQ(m.attachments[0].content_type, "image/png");
  EXPECT_EQ(m.attachments[0].data, std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(m.attachments[1].filename, "faktura.pdf");
  EXPECT_EQ(m.attachments[1].data, "%PDF-1.4 fake");
}

TEST(ParseEmail, HtmlOnlyBecomesReadableTextWithoutItsScript) {
  auto m = parse_email(eml("html_only.eml"), "shop@example.com");
  EXPECT_EQ(m.text, "Where is order 7 <https://example.com/o/7>?\n- one\n- two");
  EXPECT_EQ(m.text.find("alert"), std::string::npos);
  ASSERT_TRUE(m.html);  // kept for safe display (the console sanitizes it)
}

TEST(ParseEmail, AutoRepliesListsLoopsAndBouncesAreMarkedAutomatic) {
  EXPECT_EQ(parse_email(eml("auto_reply.eml"), "ada@example.org").automatic,
            "Auto-Submitted: auto-replied");
  auto with = [](const std::string& header) {
    return parse_email("From: a@b.c\r\n" + header + "\r\nSubject: x\r\n\r\nhi\r\n", "a@b.c").automatic;
  };
  EXPECT_EQ(with("Auto-Submitted: no"), "");
  EXPECT_EQ(with("Precedence: bulk"), "Precedence: bulk");
  EXPECT_EQ(with("Precedence: list"), "Precedence: list");
  EXPECT_EQ(with("X-Autoreply: yes"), "X-Autoreply: yes");
  EXPECT_EQ(with("X-Loop: support@acme.test"), "X-Loop: support@acme.test");
  EXPECT_EQ(with("List-Id: <users.lists.example.org>"), "List-Id: <users.lists.example.org>");
  EXPECT_EQ(with("X-Auto-Response-Suppress: OOF"), "X-Auto-Response-Suppress: OOF");
  EXPECT_EQ(with("X-Mailer: Thunderbird"), "");
  EXPECT_EQ(parse_email("From: a@b.c\r\nSubject: x\r\n\r\nhi\r\n", "").automatic,
            "an empty return path (MAIL FROM:<>)");
}

TEST(ParseEmail, ABounceNamesTheMessageThatBouncedAndWhy) {
  auto m = parse_email(eml("bounce_dsn.eml"), "");
  EXPECT_TRUE(m.bounce);
  EXPECT_EQ(m.bounced_message_id, "tp.9.33.abc@acme.test");
  EXPECT_EQ(m.bounce_status, "550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown");
  EXPECT_FALSE(m.automatic.empty());
}

TEST(ParseEmail, MalformedMailIsReadBestEffortAsValidUtf8) {
  auto m = parse_email(eml("malformed.eml"), "x@y.z");
  EXPECT_EQ(m.message_id, "");
  EXPECT_EQ(m.subject, "café à la carte");
  EXPECT_NE(m.text.find("Naïve text"), std::string::npos);
  for (std::string junk : {std::string(""), std::string("\0\0\0", 3), std::string("no headers at all"),
                           std::string(100000, '\n'), std::string("Content-Type: multipart/mixed\r\n\r\n--")}) {
    auto p = parse_email(junk, "x@y.z");  // never throws, never crashes
    EXPECT_TRUE(p.from_address.empty());
  }
}

TEST(StripReply, CutsAtAttributionsInTheSeedsLanguagesAndAtSignatures) {
  EXPECT_EQ(strip_reply("Thanks!\n\nOn Mon, 2 Nov 2026 at 09:00, Support <s@a.test> wrote:\n> old"), "Thanks!");
  EXPECT_EQ(strip_reply("Gracias\n\nEl lun, 2 nov 2026 a las 9:00, Soporte escribió:\n> viejo"), "Gracias");
  EXPECT_EQ(strip_reply("Dzięki\n\nW dniu 2.11.2026 o 09:00 Pomoc <s@a.test> napisał(a):\n> stare"), "Dzięki");
  EXPECT_EQ(strip_reply("Ok\n\n-----Original Message-----\nFrom: x"), "Ok");
  EXPECT_EQ(strip_reply("Ok\n\nFrom: Support\nSent: Monday\nTo: Ada\nSubject: Re: x\n\nold"), "Ok");
  EXPECT_EQ(strip_reply("Ok\n-- \nAda Lovelace\nAnalyst"), "Ok");
  EXPECT_EQ(strip_reply("Ok\n\nSent from my iPhone"), "Ok");
  EXPECT_EQ(strip_reply("Ok\n\nOn Mon, 2 Nov 2026, Support\n<s@a.test> wrote:\n> old"), "Ok");
  EXPECT_EQ(strip_reply("> only a quote"), "> only a quote");  // nothing of theirs: keep it all
  EXPECT_EQ(strip_reply("line one\nline two"), "line one\nline two");
}

TEST(SubjectToken, FindsTheTicketNumberOnlyInItsExactForm) {
  EXPECT_EQ(subject_ticket_token("Re: [#42] Printer"), 42);
  EXPECT_EQ(subject_ticket_token("[#x] [#7]"), 7);
  EXPECT_EQ(subject_ticket_token("#42 Printer"), std::nullopt);
  EXPECT_EQ(subject_ticket_token("[#42 Printer"), std::nullopt);
  EXPECT_EQ(subject_ticket_token("[#0]"), std::nullopt);
}

}  // namespace
}  // namespace touchpoint::protocol

namespace touchpoint::protocol {
namespace {

TEST(ParseEmail, ANulInTheBodyDoesNotCutTheText) {
  std::string mail = "From: a@example.com\r\nTo: s@acme.test\r\nSubject: nul\r\n"
                     "Content-Type: text/plain; charset=utf-8\r\n\r\nfirst part";
  mail.push_back('\0');
  mail += " second part caf\xC3\xA9\r\n";
  auto m = parse_email(mail, "a@example.com");
  EXPECT_EQ(m.text, "first part\xEF\xBF\xBD second part caf\xC3\xA9");
}

TEST(ParseEmail, ADeclaredCharsetIsConvertedWithItsNuls) {
  std::string mail = "From: a@example.com\r\nSubject: latin\r\n"
                     "Content-Type: text/plain; charset=iso-8859-1\r\n\r\nperch\xE9";
  mail.push_back('\0');
  mail += "fine\r\n";
  auto m = parse_email(mail, "a@example.com");
  EXPECT_EQ(m.text, "perch\xC3\xA9\xEF\xBF\xBD" "fine");
}

TEST(EmailContact, RedeliveryWithoutAMessageIdIsTheSameContactWhateverOurTraceSays) {
  std::string body = "From: a@example.com\r\nSubject: no id\r\n\r\nhello\r\n";
  auto parsed = parse_email(body, "a@example.com");
  std::string t1 = trace_headers("a@example.com", "client", "10.0.0.1", "mx", "ESMTP", 1000);
  std::string t2 = trace_headers("a@example.com", "client", "10.0.0.2", "mx", "ESMTP", 2000);
  auto c1 = email_contact("support", parsed, t1 + body, t1.size());
  auto c2 = email_contact("support", parsed, t2 + body, t2.size());
  EXPECT_EQ(c1.external_id.substr(0, 7), "sha256:");
  EXPECT_EQ(c1.external_id, c2.external_id);
  EXPECT_NE(c1.email->raw, c2.email->raw);  // the trace is still kept with the mail
}

}  // namespace
}  // namespace touchpoint::protocol
