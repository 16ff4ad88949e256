// A reply's file on its way to a messaging provider: the multipart/form-data we build, WhatsApp's
// upload and the message naming the uploaded media, and Telegram's one-request file send.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <map>

#include "protocol/form_data.hpp"
#include "protocol/messaging_send.hpp"
#include "protocol/outbound_media.hpp"
#include "protocol/query_string.hpp"

namespace touchpoint::protocol {
namespace {

OutboundItem reply_with(std::string thread, std::string body, std::string filename, std::string type) {
  OutboundItem i;
  i.message_id = 7;
  i.thread = std::move(thread);
  i.body = std::move(body);
  i.files = {{std::move(filename), std::move(type), "/store/ab/cd/abcd", 31}};
  return i;
}

Form read_back(const ProviderRequest& r) {
  auto form = parse_form_body(r.content_type, r.body);
  EXPECT_TRUE(form) << (form ? "" : form.error().message);
  return form ? *form : Form{};
}

TEST(FormBody, RoundTripsFieldsAndFilesWithBytesThatLookLikeABoundary) {
  std::string bytes("\x89PNG\r\n\x1a\n\0\xff", 10);
  bytes += "\r\n--touchpoint-\r\n--";  // boundary-like text inside the file
  auto built = build_form_body({{"chat_id", "42", {}, {}},
                                {"caption", "Voilà \"the\" file", {}, {}},
                                {"photo", bytes, "bill \"May\".png", "image/png"}});
  ASSERT_EQ(built.content_type.rfind("multipart/form-data; boundary=touchpoint-", 0), 0u);
  std::string boundary = built.content_type.substr(built.content_type.find('=') + 1);
  EXPECT_EQ(bytes.find(boundary), std::string::npos);
  auto form = parse_form_body(built.content_type, built.body);
  ASSERT_TRUE(form) << form.error().message;
  ASSERT_EQ(form->fields.size(), 3u);
  EXPECT_EQ(form->get("chat_id"), "42");
  EXPECT_EQ(form->get("caption"), "Voilà \"the\" file");
  const FormField* photo = form->find("photo");
  ASSERT_NE(photo, nullptr);
  EXPECT_EQ(photo->value, bytes);
  EXPECT_EQ(photo->content_type, "image/png");
  EXPECT_EQ(photo->filename, "bill %22May%22.png");  // quotes escaped as browsers do
  EXPECT_EQ(build_form_body({{"a", "1", {}, {}}}).body, build_form_body({{"a", "1", {}, {}}}).body)
      << "deterministic: the same parts, the same body";
}

TEST(FormBody, ANewLineInANameCannotStartAHeader) {
  auto built = build_form_body({{"f", "x", "a.txt\r\nX-Evil: 1", "text/plain"}});
  EXPECT_EQ(built.body.find("\r\nX-Evil"), std::string::npos);
  EXPECT_NE(built.body.find("a.txt%0D%0AX-Evil: 1"), std::string::npos);
}

TEST(WhatsAppMedia, TheFileIsUploadedToTheNumbersMediaWithTheToken) {
  OutboundFile f{"invoice.pdf", "application/pdf; name=invoice.pdf", "/p", 31};
  auto r = whatsapp_media_upload(f, "%PDF-1.7", "106540352242922", "EAAG");
  EXPECT_EQ(r.path, "/106540352242922/media");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].second, "Bearer EAAG");
  Form form = read_back(r);
  EXPECT_EQ(form.get("messaging_product"), "whatsapp");
  EXPECT_EQ(form.get("type"), "application/pdf");
  ASSERT_NE(form.find("file"), nullptr);
  EXPECT_EQ(form.find("file")->value, "%PDF-1.7");
  EXPECT_EQ(form.find("file")->filename, "invoice.pdf");
}

TEST(WhatsAppMedia, TheUploadsAnswerNamesTheMediaOrEndsTheAttempt) {
  auto ok = whatsapp_upload_outcome(200, R"({"id":"1037543291543636"})", "");
  EXPECT_EQ(ok.kind, DeliveryKind::sent);
  EXPECT_EQ(ok.provider_id, "1037543291543636");
  EXPECT_EQ(whatsapp_upload_outcome(200, "{}", "").kind, DeliveryKind::failed);
  EXPECT_EQ(whatsapp_upload_outcome(503, "", "").kind, DeliveryKind::retry);
  EXPECT_EQ(whatsapp_upload_outcome(0, "", "connection refused").kind, DeliveryKind::retry);
  auto refused = whatsapp_upload_outcome(
      400, R"({"error":{"message":"Param file must be a file with one of the following types","code":100}})", "");
  EXPECT_EQ(refused.kind, DeliveryKind::failed);
  EXPECT_EQ(refused.error, "uploading the file: (#100) Param file must be a file with one of the following types");
}

TEST(WhatsAppMedia, TheMessageNamesTheMediaAsImageVideoOrDocumentWithTheCaption) {
  rapidjson::Document d;
  auto image = whatsapp_send_media(reply_with("16505551234", "Here it is", "shot.png", "image/png"),
                                   "MEDIA1", 300'000, "106", "t");
  EXPECT_EQ(image.path, "/106/messages");
  d.Parse(image.body.c_str());
  ASSERT_FALSE(d.HasParseError());
  EXPECT_STREQ(d["messaging_product"].GetString(), "whatsapp");
  EXPECT_STREQ(d["to"].GetString(), "16505551234");
  EXPECT_STREQ(d["type"].GetString(), "image");
  EXPECT_STREQ(d["image"]["id"].GetString(), "MEDIA1");
  EXPECT_STREQ(d["image"]["caption"].GetString(), "Here it is");
  EXPECT_FALSE(d["image"].HasMember("filename"));

  // Past WhatsApp's 5 MB for images, the same PNG goes as a document, with its name.
  d.Parse(whatsapp_send_media(reply_with("1", "Big", "shot.png", "image/png"), "M2", 6'000'000, "106", "t")
              .body.c_str());
  EXPECT_STREQ(d["type"].GetString(), "document");
  EXPECT_STREQ(d["document"]["filename"].GetString(), "shot.png");
  EXPECT_STREQ(d["document"]["caption"].GetString(), "Big");

  d.Parse(whatsapp_send_media(reply_with("1", "Clip", "c.mp4", "video/mp4"), "M3", 1000, "106", "t").body.c_str());
  EXPECT_STREQ(d["type"].GetString(), "video");
  d.Parse(whatsapp_send_media(reply_with("1", "", "a.ogg", "audio/ogg"), "M4", 1000, "106", "t").body.c_str());
  EXPECT_STREQ(d["type"].GetString(), "document");
  EXPECT_FALSE(d["document"].HasMember("caption")) << "no text, no caption";
}

TEST(TelegramFile, APhotoOrADocumentInOneMultipartRequest) {
  auto photo = telegram_send_file(reply_with("123456789", "Your receipt", "r.jpg", "image/jpeg"), "JPEG", "BOT:TOKEN");
  EXPECT_EQ(photo.path, "/botBOT:TOKEN/sendPhoto");
  Form form = read_back(photo);
  EXPECT_EQ(form.get("chat_id"), "123456789");
  EXPECT_EQ(form.get("caption"), "Your receipt");
  ASSERT_NE(form.find("photo"), nullptr);
  EXPECT_EQ(form.find("photo")->value, "JPEG");

  auto doc = telegram_send_file(reply_with("-1001", "Terms", "terms.pdf", "application/pdf"), "%PDF", "B");
  EXPECT_EQ(doc.path, "/botB/sendDocument");
  form = read_back(doc);
  ASSERT_NE(form.find("document"), nullptr);
  EXPECT_EQ(form.find("document")->filename, "terms.pdf");
  EXPECT_EQ(form.find("document")->content_type, "application/pdf");
  EXPECT_EQ(form.get("chat_id"), "-1001");
}

TEST(OutboundMedia, ALinkNamesOneFileUntilItExpiresAndOnlyOurSecretMakesOne) {
  const std::string secret(32, 'k');
  std::string token = outbound_media_token(secret, 31, 2000);
  EXPECT_EQ(token.rfind("o1.31.2000.", 0), 0u);
  EXPECT_EQ(outbound_media_attachment(secret, token, 1999), 31);
  EXPECT_FALSE(outbound_media_attachment(secret, token, 2000)) << "expired";
  EXPECT_FALSE(outbound_media_attachment(std::string(32, 'x'), token, 1000)) << "another server's";
  std::string other_file = token;
  other_file.replace(3, 2, "32");
  EXPECT_FALSE(outbound_media_attachment(secret, other_file, 1000));
  std::string later = token;
  later.replace(6, 4, "9000");
  EXPECT_FALSE(outbound_media_attachment(secret, later, 1000)) << "its expiry is signed too";
  for (const char* junk : {"", "o1.", "o1.31.2000", "o1.-1.2000.x", "v1.31.2000.ab", "o1.31.2000.zz"})
    EXPECT_FALSE(outbound_media_attachment(secret, junk, 1000)) << junk;
  EXPECT_EQ(outbound_media_url("https://help.example.com/", secret, 31, 2000),
            "https://help.example.com/media/out/" + token);
}

TEST(TwilioMedia, TheFileGoesAsAMediaUrlBesideTheBody) {
  auto r = twilio_send(reply_with("+14133881111", "Your label", "l.png", "image/png"), "AC1", "tok",
                       "+12028831111", "", "https://help.example.com/media/out/o1.31.2000.ab");
  auto pairs = parse_form(r.body);
  ASSERT_TRUE(pairs);
  std::map<std::string, std::string> form(pairs->begin(), pairs->end());
  EXPECT_EQ(form["Body"], "Your label");
  EXPECT_EQ(form["MediaUrl"], "https://help.example.com/media/out/o1.31.2000.ab");
  EXPECT_EQ(twilio_send(reply_with("+1", "t", "l.png", "image/png"), "AC1", "tok", "+2", "").body.find("MediaUrl"),
            std::string::npos);
}

}  // namespace
}  // namespace touchpoint::protocol
