// The mail we send: subject, Message-ID, headers, and the outcome of a submission.
#include "protocol/email_build.hpp"

#include <gtest/gtest.h>

#include "protocol/email_parse.hpp"

namespace touchpoint::protocol {
namespace {

TEST(ReplySubject, KeepsOneReAndOneTicketToken) {
  EXPECT_EQ(reply_subject(12, "Printer on fire"), "Re: [#12] Printer on fire");
  EXPECT_EQ(reply_subject(12, "RE: Re: [#12] Printer on fire"), "Re: [#12] Printer on fire");
  EXPECT_EQ(reply_subject(12, "R: Il pacco"), "Re: [#12] Il pacco");
  EXPECT_EQ(reply_subject(7, ""), "Re: [#7]");
  EXPECT_EQ(reply_subject(7, "Reklamacja"), "Re: [#7] Reklamacja");  // "Re" inside a word stays
}

TEST(OurMessageId, IsStablePerReplyAndUnguessableWithoutTheSecret) {
  auto a = our_message_id(12, 34, "secret-one", "acme.test");
  EXPECT_EQ(a, our_message_id(12, 34, "secret-one", "acme.test"));
  EXPECT_NE(a, our_message_id(12, 34, "secret-two", "acme.test"));
  EXPECT_NE(a, our_message_id(12, 35, "secret-one", "acme.test"));
  EXPECT_EQ(a.rfind("tp.12.34.", 0), 0u);
  EXPECT_EQ(a.substr(a.size() - 10), "@acme.test");
}

TEST(BuildEmail, WritesHeadersAndBodiesThatParseBackExactly) {
  OutboundEmail m;
  m.from_name = "Assistenza ACME";
  m.from_address = "support@acme.test";
  m.to_name = "Paweł Kowalski";
  m.to_address = "pawel@example.pl";
  m.subject = "Re: [#7] Reklamacja żółtego krzesła";
  m.message_id = "tp.7.9.abc@acme.test";
  m.in_reply_to = "pl.1@example.pl";
  m.references = {"pl.0@example.pl", "pl.1@example.pl"};
  m.text = "Dzień dobry,\nwysyłamy nowe krzesło.\n.kropka";
  m.date = 1793697300;
  std::string raw = build_email(m);
  EXPECT_NE(raw.find("\r\n"), std::string::npos);
  EXPECT_EQ(raw.find("Auto-Submitted"), std::string::npos);
  auto back = parse_email(raw, "support@acme.test");
  EXPECT_EQ(back.message_id, "tp.7.9.abc@acme.test");
  EXPECT_EQ(back.in_reply_to, std::vector<std::string>{"pl.1@example.pl"});
  EXPECT_EQ(back.references, (std::vector<std::string>{"pl.0@example.pl", "pl.1@example.pl"}));
  EXPECT_EQ(back.subject, m.subject);
  EXPECT_EQ(back.from_name, "Assistenza ACME");
  EXPECT_EQ(back.to, std::vector<std::string>{"pawel@example.pl"});
  EXPECT_EQ(back.text, m.text);
  ASSERT_TRUE(back.html);
  EXPECT_NE(back.html->find("Dzień dobry,<br>"), std::string::npos);
  EXPECT_EQ(back.date, m.date);
  m.automatic = true;
  auto automatic = parse_email(build_email(m), "support@acme.test");
  EXPECT_EQ(automatic.automatic, "Auto-Submitted: auto-replied");  // our own loop guard holds
}

TEST(BuildEmail, EscapesHtmlInTheHtmlRendering) {
  OutboundEmail m;
  m.from_address = "s@a.test";
  m.to_address = "c@b.test";
  m.message_id = "x@a.test";
  m.text = "<script>alert(1)</script> & more";
  auto back = parse_email(build_email(m), "s@a.test");
  ASSERT_TRUE(back.html);
  EXPECT_EQ(back.html->find("<script>"), std::string::npos);
  EXPECT_NE(back.html->find("&lt;script&gt;"), std::string::npos);
}

TEST(BuildEmail, FilesGoAfterTheTextAsBase64AttachmentsThatParseBackByteForByte) {
  OutboundEmail m;
  m.from_address = "support@acme.test";
  m.to_address = "ada@example.org";
  m.subject = "Re: [#7] Invoice";
  m.message_id = "tp.7.9.abc@acme.test";
  m.text = "Here is the corrected invoice.";
  m.date = 1793697300;
  const std::string pdf("%PDF-1.4\r\n\0\xff binary\n", 20);
  m.files = {{"fattura ottobre.pdf", "application/pdf", pdf}, {"notes", "not a type", "plain words"}};
  std::string raw = build_email(m);
  EXPECT_NE(raw.find("multipart/mixed"), std::string::npos);
  auto back = parse_email(raw, "support@acme.test");
  EXPECT_EQ(back.text, "Here is the corrected invoice.");
  ASSERT_EQ(back.attachments.size(), 2u);
  EXPECT_EQ(back.attachments[0].filename, "fattura ottobre.pdf");
  EXPECT_EQ(back.attachments[0].content_type, "application/pdf");
  EXPECT_EQ(back.attachments[0].data, pdf);
  EXPECT_EQ(back.attachments[1].content_type, "application/octet-stream");  // never a broken header
  EXPECT_EQ(back.attachments[1].data, "plain words");
}

TEST(SmtpSubmissionOutcome, FourHundredsRetryFiveHundredsFailAcceptedIsSent) {
  auto sent = smtp_submission_outcome(true, 250, "250 2.0.0 queued", "", "tp.1.2.x@a");
  EXPECT_EQ(sent.kind, DeliveryKind::sent);
  EXPECT_EQ(sent.provider_id, "tp.1.2.x@a");
  auto later = smtp_submission_outcome(false, 451, "451 4.3.0 try later", "", "id");
  EXPECT_EQ(later.kind, DeliveryKind::retry);
  auto refused = smtp_submission_outcome(false, 550, "550 5.1.1 no such user", "RCPT failed", "id");
  EXPECT_EQ(refused.kind, DeliveryKind::failed);
  EXPECT_EQ(refused.error, "550 5.1.1 no such user");
  auto down = smtp_submission_outcome(false, 0, "", "Couldn't connect to server", "id");
  EXPECT_EQ(down.kind, DeliveryKind::retry);
  EXPECT_EQ(down.error, "Couldn't connect to server");
}

}  // namespace
}  // namespace touchpoint::protocol
