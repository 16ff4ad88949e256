// A reply's file through the messaging channels, end to end on the real server: WhatsApp
// uploads it to the number's media and sends a message naming that media, Telegram sends it in
// one multipart request, both with the reply's text as the caption; the fake provider reads
// the multipart back and checks the bytes. Channels that take no files from us refuse before
// anything is stored.
#include "server/messaging_fixture.hpp"

#include "protocol/base64.hpp"
#include "protocol/form_data.hpp"
#include "protocol/outbound_media.hpp"

namespace touchpoint::server {
namespace {

using namespace testing_messaging;
using testing_support::HttpClient;
namespace http = boost::beast::http;

// Bytes with a NUL, CR LF and a would-be boundary: what survives them survives any file.
const std::string kPng = std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) + "\r\n--touchpoint-x\r\n";

struct FileIn {
  std::string filename, content_type, bytes;
};

class MessagingFilesTest : public MessagingTest {
 protected:
  Reply reply_with_files(int64_t ticket, const std::string& body, const std::vector<FileIn>& files) {
    std::string json = R"({"body":")" + body + R"(","attachments":[)";
    for (std::size_t i = 0; i < files.size(); ++i)
      json += std::string(i ? "," : "") + R"({"filename":")" + files[i].filename + R"(","content_type":")" +
              files[i].content_type + R"(","content_base64":")" + protocol::base64_encode(files[i].bytes) + R"("})";
    json += "]}";
    return agent_post("/api/v1/tickets/" + std::to_string(ticket) + "/messages", json);
  }
  static protocol::Form form_of(const testing_support::RecordedRequest& r) {
    auto form = protocol::parse_form_body(r.headers.at("Content-Type"), r.body);
    EXPECT_TRUE(form) << (form ? "" : form.error().message);
    return form ? *form : protocol::Form{};
  }
  static void expect_file(const protocol::Form& form, const char* field, const std::string& bytes,
                          const std::string& filename) {
    const protocol::FormField* f = form.find(field);
    ASSERT_NE(f, nullptr) << "no " << field << " part";
    EXPECT_EQ(f->value, bytes) << "the bytes arrive as stored";
    EXPECT_EQ(f->filename, filename);
  }
};

TEST_F(MessagingFilesTest, WhatsAppUploadsTheFileThenSendsItWithTheCaptionAndReceiptsFollowTheSend) {
  ASSERT_EQ(post_whatsapp(whatsapp_text("wamid.in1", "16505551234", "Can you send the label?")).status, 200);
  provider_.script({{200, R"({"id":"1037543291543636"})"},
                    {200, R"({"messaging_product":"whatsapp","messages":[{"id":"wamid.OUTFILE"}]})"}});
  auto r = reply_with_files(1, "Here is your label", {{"label.png", "image/png", kPng}});
  ASSERT_EQ(r.status, 201) << r.body;
  int64_t message = id_of(r, "message_id");

  auto got = provider_.wait_for(2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].target, "/graph/106540352242922/media");
  EXPECT_EQ(got[0].headers.at("Authorization"), "Bearer WA-TOKEN");
  auto upload = form_of(got[0]);
  EXPECT_EQ(upload.get("messaging_product"), "whatsapp");
  EXPECT_EQ(upload.get("type"), "image/png");
  expect_file(upload, "file", kPng, "label.png");

  EXPECT_EQ(got[1].target, "/graph/106540352242922/messages");
  rapidjson::Document d;
  d.Parse(got[1].body.c_str());
  ASSERT_FALSE(d.HasParseError()) << got[1].body;
  EXPECT_STREQ(d["to"].GetString(), "16505551234");
  EXPECT_STREQ(d["type"].GetString(), "image");
  EXPECT_STREQ(d["image"]["id"].GetString(), "1037543291543636");
  EXPECT_STREQ(d["image"]["caption"].GetString(), "Here is your label");

  EXPECT_EQ(status_of(1, message, "sent"), "sent");
  ASSERT_EQ(post_whatsapp(whatsapp_status("wamid.OUTFILE", "delivered")).status, 200);
  EXPECT_EQ(status_of(1, message, "delivered"), "delivered") << "the send's id, not the upload's";
  auto view = reader().ticket(1).value();
  ASSERT_EQ(view.messages.back().attachments.size(), 1u) << "the ticket keeps the file it sent";
}

TEST_F(MessagingFilesTest, ARefusedUploadFailsTheReplyWithTheProvidersWordsAndSendsNothing) {
  ASSERT_EQ(post_whatsapp(whatsapp_text("wamid.in2", "16505551234", "hello")).status, 200);
  provider_.script({{400, R"({"error":{"message":"Param file must be a file with one of the following types","code":100}})"}});
  int64_t message = id_of(reply_with_files(1, "See this", {{"x.bin", "application/x-foo", "abc"}}), "message_id");
  std::optional<std::string> error;
  EXPECT_EQ(status_of(1, message, "failed", &error), "failed");
  EXPECT_EQ(error, "uploading the file: (#100) Param file must be a file with one of the following types");
  EXPECT_EQ(provider_.count(), 1u) << "no message names a file that never uploaded";
}

TEST_F(MessagingFilesTest, TelegramSendsADocumentInOneMultipartRequest) {
  ASSERT_EQ(post("/webhooks/telegram/tg", fixture("telegram_text.json"),
                 {{"X-Telegram-Bot-Api-Secret-Token", "s3cr3t_Token-1"}}).status, 200);
  provider_.script({{200, R"({"ok":true,"result":{"message_id":58,"chat":{"id":23}}})"}});
  std::string pdf = "%PDF-1.7\n\0binary\n%%EOF";
  auto r = reply_with_files(1, "Our terms", {{"terms.pdf", "application/pdf", pdf}});
  ASSERT_EQ(r.status, 201) << r.body;
  auto got = provider_.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].target, "/graph/bot123:ABC/sendDocument");
  auto form = form_of(got[0]);
  EXPECT_EQ(form.get("chat_id"), "23");
  EXPECT_EQ(form.get("caption"), "Our terms");
  expect_file(form, "document", pdf, "terms.pdf");
  EXPECT_EQ(status_of(1, id_of(r, "message_id"), "sent"), "sent");
}

TEST_F(MessagingFilesTest, TwilioFetchesTheFileFromASignedLinkThatServesOnlyASentReplysFile) {
  ASSERT_EQ(post_twilio(fixture("twilio_sms.form")).status, 200);
  provider_.script({{201, R"({"sid":"MMout1","status":"queued"})"}});
  auto r = reply_with_files(1, "Your label", {{"label.png", "image/png", kPng}});
  ASSERT_EQ(r.status, 201) << r.body;
  auto got = provider_.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  auto params = protocol::parse_form(got[0].body).value();
  std::map<std::string, std::string> form(params.begin(), params.end());
  EXPECT_EQ(form["Body"], "Your label");
  std::string prefix = std::string(kPublicUrl) + "/media/out/";
  ASSERT_EQ(form["MediaUrl"].rfind(prefix, 0), 0u) << form["MediaUrl"];
  EXPECT_EQ(status_of(1, id_of(r, "message_id"), "sent"), "sent");

  // What Twilio then downloads, from us.
  HttpClient client(server_->http_port());
  std::string path = form["MediaUrl"].substr(std::string(kPublicUrl).size());
  auto file = client.request(http::verb::get, path, "", {});
  ASSERT_EQ(file.status, 200);
  EXPECT_EQ(file.body, kPng);
  EXPECT_EQ(file.headers["Content-Type"], "image/png");
  EXPECT_EQ(file.headers["Content-Disposition"], "attachment");
  EXPECT_EQ(file.headers["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(client.request(http::verb::get, path + "0", "", {}).status, 404) << "a tampered link";

  // A link for any other file is refused even when signed: a note's file, a customer's.
  auto note = agent_post("/api/v1/tickets/1/messages",
                         R"({"body":"internal","internal":true,"attachments":[{"filename":"n.txt",)"
                         R"("content_type":"text/plain","content_base64":")" + protocol::base64_encode("secret") + R"("}]})");
  ASSERT_EQ(note.status, 201) << note.body;
  std::ifstream key_file(dir_.str() + "/secret.key", std::ios::binary);
  std::string key((std::istreambuf_iterator<char>(key_file)), std::istreambuf_iterator<char>());
  ASSERT_EQ(key.size(), 32u);
  auto view = reader().ticket(1).value();
  int64_t note_file = 0;
  for (const auto& m : view.messages)
    if (m.internal && !m.attachments.empty()) note_file = m.attachments.front().id;
  ASSERT_NE(note_file, 0);
  int64_t tomorrow = static_cast<int64_t>(std::time(nullptr)) + 86400;
  EXPECT_EQ(client.request(http::verb::get, "/media/out/" + protocol::outbound_media_token(key, note_file, tomorrow), "", {})
                .status,
            404);
}

TEST_F(MessagingFilesTest, ChannelsThatTakeNoFilesAndASecondFileAreRefusedBeforeAnythingIsStored) {
  std::string body = fixture("messenger_text.json");
  ASSERT_EQ(post("/webhooks/messenger/fb", body,
                 {{"X-Hub-Signature-256", "sha256=" + protocol::hmac_sha256_hex("fb_secret", body)}}).status, 200);
  ASSERT_EQ(post_whatsapp(whatsapp_text("wamid.in3", "16505551234", "hi")).status, 200);
  std::size_t before = message_count();

  auto messenger = reply_with_files(1, "File", {{"a.png", "image/png", kPng}});
  EXPECT_EQ(messenger.status, 422) << messenger.body;
  EXPECT_NE(messenger.body.find("internal note"), std::string::npos);
  auto two = reply_with_files(2, "Two", {{"a.png", "image/png", kPng}, {"b.png", "image/png", kPng}});
  EXPECT_EQ(two.status, 422) << two.body;
  EXPECT_NE(two.body.find("one file per message"), std::string::npos);

  EXPECT_EQ(message_count(), before);
  EXPECT_EQ(provider_.count(), 0u);
}

}  // namespace
}  // namespace touchpoint::server
