// The forms inbound-mail providers post (multipart/form-data, urlencoded), Mailgun's signature
// and its freshness, and the mail Mailgun and SendGrid deliver, raw or parsed, to a contact.
#include <gtest/gtest.h>

#include "protocol/form_data.hpp"
#include "protocol/mail_rebuild.hpp"
#include "protocol/mailgun_inbound.hpp"
#include "protocol/sendgrid_inbound.hpp"
#include "protocol/signature.hpp"

namespace touchpoint::protocol {
namespace {

struct Part {
  Part(std::string n, std::string v, std::string f = "", std::string t = "")
      : name(std::move(n)), value(std::move(v)), filename(std::move(f)), type(std::move(t)) {}
  std::string name, value, filename, type;
};

std::string multipart(const std::vector<Part>& parts, const std::string& boundary = "XyZ") {
  std::string body;
  for (const auto& p : parts) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + p.name + "\"";
    if (!p.filename.empty()) body += "; filename=\"" + p.filename + "\"";
    body += "\r\n";
    if (!p.type.empty()) body += "Content-Type: " + p.type + "\r\n";
    body += "\r\n" + p.value + "\r\n";
  }
  return body + "--" + boundary + "--\r\n";
}

const std::string kBinary("\x89PNG\r\n\x1a\n\0\0\r\n--XyZ-not-a-boundary\r\n\xff", 32);

TEST(FormBody, MultipartFieldsAndFilesComeOutByteForByte) {
  auto form = parse_form_body("multipart/form-data; boundary=XyZ",
                              multipart({{"subject", "Ciao, è urgente"},
                                         {"empty", ""},
                                         {"attachment-1", kBinary, "logo.png", "image/png"},
                                         {"body-plain", "line 1\r\nline 2\r\n"}}));
  ASSERT_TRUE(form) << form.error().message;
  ASSERT_EQ(form->fields.size(), 4u);
  EXPECT_EQ(form->get("subject"), "Ciao, è urgente");
  EXPECT_EQ(form->get("empty"), "");
  EXPECT_TRUE(form->find("empty"));
  const FormField* file = form->find("attachment-1");
  ASSERT_TRUE(file);
  EXPECT_TRUE(file->is_file());
  EXPECT_EQ(file->filename, "logo.png");
  EXPECT_EQ(file->content_type, "image/png");
  EXPECT_EQ(file->value, kBinary);
  EXPECT_EQ(form->get("body-plain"), "line 1\r\nline 2\r\n");
  EXPECT_FALSE(form->get("subject").empty());
  EXPECT_EQ(form->get("absent"), "");
}

TEST(FormBody, AForwardedMailAsAFileIsKeptWhole) {
  std::string inner = "From: a@example.org\r\nSubject: inner\r\n\r\nhello\r\n";
  auto form = parse_form_body("multipart/form-data; boundary=\"XyZ\"",
                              multipart({{"attachment-1", inner, "fwd.eml", "message/rfc822"}}));
  ASSERT_TRUE(form);
  EXPECT_NE(form->get("attachment-1").find("Subject: inner"), std::string::npos);
  EXPECT_NE(form->get("attachment-1").find("hello"), std::string::npos);
}

TEST(FormBody, UrlencodedAndRefusals) {
  auto form = parse_form_body("application/x-www-form-urlencoded", "a=1&b=x%20y&a=2");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->get("a"), "1");
  EXPECT_EQ(form->fields.size(), 3u);
  EXPECT_FALSE(parse_form_body("application/x-www-form-urlencoded", "a=%zz"));
  EXPECT_FALSE(parse_form_body("application/json", "{}"));
  EXPECT_FALSE(parse_form_body("multipart/form-data", multipart({{"a", "1"}})));  // no boundary
  EXPECT_FALSE(parse_form_body("multipart/form-data; boundary=other", multipart({{"a", "1"}})));
  EXPECT_EQ(parse_form_body("text/plain", "x").error().code, Errc::bad_request);
}

Form mailgun_form(std::vector<Part> parts, const std::string& timestamp = "1529006854") {
  parts.push_back({"timestamp", timestamp});
  parts.push_back({"token", "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0"});
  parts.push_back({"signature", hmac_sha256_hex("key-test-signing", timestamp + "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0")});
  return parse_form_body("multipart/form-data; boundary=XyZ", multipart(parts)).value();
}

TEST(Mailgun, TheFactSheetVectorVerifiesWithinFiveMinutesOnly) {
  EXPECT_EQ(hmac_sha256_hex("key-test-signing", "1529006854a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0"),
            "ea80a3596ce790aa20ccea2a5ba5f2f725e02026d71bc488e9308afc89b5907b");
  Form form = mailgun_form({});
  EXPECT_EQ(check_mailgun_signature("key-test-signing", form, 1529006854), "");
  EXPECT_EQ(check_mailgun_signature("key-test-signing", form, 1529006854 + 300), "");
  EXPECT_NE(check_mailgun_signature("key-test-signing", form, 1529006854 + 301), "");
  EXPECT_NE(check_mailgun_signature("key-test-signing", form, 1529006854 - 301), "");
  EXPECT_NE(check_mailgun_signature("another-key", form, 1529006854), "");
  EXPECT_NE(check_mailgun_signature("", form, 1529006854), "");
  Form tampered = form;
  for (auto& f : tampered.fields)
    if (f.name == "timestamp") f.value = "1529006855";
  EXPECT_NE(check_mailgun_signature("key-test-signing", tampered, 1529006855), "");
  EXPECT_NE(check_mailgun_signature("key-test-signing", Form{}, 1529006854), "");
}

TEST(Mailgun, TheParsedFormIsRebuiltWithItsHeadersAndFiles) {
  std::string headers = R"([["Received","by mx"],["From","Nicolò <nico@example.it>"],["To","support@acme.test"],)"
                        R"(["Subject","Re: [#7] Ordine"],["Message-Id","<mg.1@example.it>"],)"
                        R"(["In-Reply-To","<tp.7.3.x@acme.test>"],["Content-Type","multipart/mixed; boundary=zzz"]])";
  Form form = mailgun_form({{"sender", "nico@example.it"},
                            {"from", "Nicolò <nico@example.it>"},
                            {"subject", "Re: [#7] Ordine"},
                            {"body-plain", "Grazie!\r\n\r\nIl giorno lun ha scritto:\r\n> vecchio\r\n"},
                            {"body-html", "<p>Grazie!</p>"},
                            {"message-headers", headers},
                            {"content-id-map", R"({"<logo@x>":"attachment-1"})"},
                            {"attachment-1", kBinary, "logo.png", "image/png"}});
  auto c = parse_mailgun_inbound("support", form);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->external_id, "mg.1@example.it");
  EXPECT_EQ(c->channel_type, "email");
  ASSERT_EQ(c->from.size(), 1u);
  EXPECT_EQ(c->from[0].address, "nico@example.it");
  EXPECT_EQ(c->from_name, "Nicolò");
  EXPECT_EQ(c->subject, "Re: [#7] Ordine");
  EXPECT_EQ(c->text, "Grazie!");
  ASSERT_TRUE(c->email);
  EXPECT_EQ(c->email->in_reply_to, std::vector<std::string>{"tp.7.3.x@acme.test"});
  EXPECT_EQ(c->email->subject_ticket, 7);
  ASSERT_EQ(c->attachments.size(), 1u);
  EXPECT_EQ(c->attachments[0].filename, "logo.png");
  EXPECT_EQ(c->attachments[0].data, kBinary);
  EXPECT_EQ(c->email->raw.find("Content-Type: multipart/mixed; boundary=zzz"), std::string::npos);
}

TEST(Mailgun, TheRawMimeRouteIsParsedLikeSmtpMail) {
  std::string raw = "From: ada@example.org\r\nSubject: Stampante\r\nMessage-ID: <raw.1@example.org>\r\n"
                    "Auto-Submitted: auto-replied\r\n\r\nSono in ferie.\r\n";
  auto c = parse_mailgun_inbound("support", mailgun_form({{"sender", "ada@example.org"}, {"body-mime", raw}}));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->external_id, "raw.1@example.org");
  EXPECT_EQ(c->email->raw, raw);
  EXPECT_EQ(c->email->automatic, "Auto-Submitted: auto-replied");
  EXPECT_FALSE(parse_mailgun_inbound("support", mailgun_form({{"unrelated", "x"}})));
}

TEST(SendGrid, RawModeUsesTheEnvelopeSender) {
  std::string raw = "From: Maria <maria@example.es>\r\nSubject: Hola\r\nMessage-ID: <sg.1@example.es>\r\n\r\nHola\r\n";
  auto form = parse_form_body("multipart/form-data; boundary=XyZ",
                              multipart({{"email", raw}, {"envelope", R"({"to":["support@acme.test"],"from":""})"}}));
  auto c = parse_sendgrid_inbound("support", form.value());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->external_id, "sg.1@example.es");
  EXPECT_EQ(c->text, "Hola");
  EXPECT_NE(c->email->automatic, "");  // an empty envelope sender is a bounce's
}

TEST(SendGrid, ParsedModeHonoursTheDeclaredCharsetsAndAttachmentInfo) {
  auto form = parse_form_body(
      "multipart/form-data; boundary=XyZ",
      multipart({{"headers", "From: =?UTF-8?Q?Mar=C3=ADa?= <maria@example.es>\r\nSubject: =?ISO-8859-1?Q?Direcci=F3n?=\r\n"
                             "Message-ID: <sg.2@example.es>\r\nContent-Type: multipart/alternative;\r\n boundary=\"q\"\r\n"},
                 {"text", "Cambio de direcci\xf3n, por favor."},
                 {"charsets", R"({"text":"iso-8859-1","subject":"UTF-8"})"},
                 {"envelope", R"({"to":["support@acme.test"],"from":"maria@example.es"})"},
                 {"attachment-info", R"({"attachment1":{"filename":"factura.pdf","type":"application/pdf"}})"},
                 {"attachment1", "%PDF-1.4", "attachment1", "application/octet-stream"}}));
  auto c = parse_sendgrid_inbound("support", form.value());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->external_id, "sg.2@example.es");
  EXPECT_EQ(c->from_name, "María");
  EXPECT_EQ(c->subject, "Dirección");
  EXPECT_EQ(c->text, "Cambio de dirección, por favor.");
  EXPECT_EQ(c->email->automatic, "");
  ASSERT_EQ(c->attachments.size(), 1u);
  EXPECT_EQ(c->attachments[0].filename, "factura.pdf");
  EXPECT_EQ(c->attachments[0].content_type, "application/pdf");
  EXPECT_EQ(c->attachments[0].data, "%PDF-1.4");
  EXPECT_FALSE(parse_sendgrid_inbound("support", Form{}));
}

TEST(MailRebuild, HeaderBlocksUnfoldAndValuesNeverStartAHeader) {
  auto h = split_header_block(" lead\r\nA: 1\r\nB: two\r\n\tparts\r\n   \r\nbad line\r\nC:3\r\n\r\nD: body");
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[1], (std::pair<std::string, std::string>{"B", "two parts"}));
  EXPECT_EQ(h[2].second, "3");
  MailPieces p;
  p.headers = {{"Subject", "x\r\nBcc: victim@example.org"}, {"Bad Name", "y"}};
  std::string mail = rebuild_mail(p);
  EXPECT_EQ(mail.find("\r\nBcc:"), std::string::npos);
  EXPECT_EQ(mail.find("Bad Name"), std::string::npos);
  EXPECT_EQ(mailbox("Ada \"the\" Lovelace", "ada@example.org"), "\"Ada the Lovelace\" <ada@example.org>");
}

}  // namespace
}  // namespace touchpoint::protocol
