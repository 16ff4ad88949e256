#include "protocol/messaging_send.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <set>

#include "protocol/ascii.hpp"
#include "protocol/base64.hpp"
#include "protocol/form_data.hpp"
#include "protocol/json_read.hpp"
#include "protocol/query_string.hpp"
#include "protocol/signature.hpp"

namespace touchpoint::protocol {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void key_string(Writer& w, const char* key, std::string_view value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

std::string done(rapidjson::StringBuffer& sb) { return std::string(sb.GetString(), sb.GetSize()); }

DeliveryOutcome retry(std::string why) { return {DeliveryKind::retry, "", std::move(why)}; }
DeliveryOutcome failed(std::string why) { return {DeliveryKind::failed, "", std::move(why)}; }

// No answer, or an answer that says "later": the same for every provider.
std::optional<DeliveryOutcome> transport_outcome(int status, std::string_view network_error) {
  if (status == 0) return retry(std::string(network_error));
  if (status == 429) return retry("HTTP 429: the provider asks us to slow down");
  if (status >= 500) return retry("HTTP " + std::to_string(status) + " from the provider");
  return std::nullopt;
}

std::optional<rapidjson::Document> parse(std::string_view body) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  return doc;
}

std::string short_body(int status, std::string_view body) {
  return "HTTP " + std::to_string(status) + (body.empty() ? "" : ": " + std::string(body.substr(0, 300)));
}

// Graph API errors: {"error":{"message","code","error_subcode"}}. Rate-limit codes retry.
DeliveryOutcome graph_outcome(int status, std::string_view body, std::string_view network_error,
                              const std::set<int64_t>& retry_codes, const char* id_path_first,
                              const char* id_path_second) {
  if (auto t = transport_outcome(status, network_error)) return *t;
  auto doc = parse(body);
  if (status >= 200 && status < 300) {
    std::string id;
    if (doc) {
      if (const auto* arr = json::array(*doc, id_path_first); arr && !arr->Empty())
        id = json::text((*arr)[0], id_path_second);
      else
        id = json::text(*doc, id_path_first);
    }
    return {DeliveryKind::sent, id, ""};
  }
  if (!doc || !json::object(*doc, "error")) return failed(short_body(status, body));
  const auto& err = *json::object(*doc, "error");
  auto code = json::integer(err, "code");
  std::string words = "(#" + json::text(err, "code") + ") " + json::text(err, "message");
  if (code && retry_codes.count(*code)) return retry(words);
  return failed(words);
}

// The template or tag prepare_reply chose, read back from OutboundItem::send_options.
struct SendOptions {
  std::string template_name, language, content_sid, tag;
  std::vector<std::string> parameters;
};

SendOptions read_send_options(std::string_view json_text) {
  SendOptions o;
  if (json_text.empty()) return o;
  auto doc = parse(json_text);
  if (!doc) return o;
  o.tag = json::text(*doc, "tag");
  if (const auto* t = json::object(*doc, "template")) {
    o.template_name = json::text(*t, "name");
    o.language = json::text(*t, "language");
    o.content_sid = json::text(*t, "content_sid");
    if (const auto* ps = json::array(*t, "parameters"))
      for (const auto& p : ps->GetArray())
        if (p.IsString()) o.parameters.emplace_back(p.GetString(), p.GetStringLength());
  }
  return o;
}

// The opening of every WhatsApp message: product, and who it goes to.
void whatsapp_recipient(Writer& w, const OutboundItem& item) {
  key_string(w, "messaging_product", "whatsapp");
  key_string(w, "recipient_type", "individual");
  // A business-scoped user id (CC.digits) goes in "recipient": in "to" Meta drops it silently.
  bool bsuid = item.thread.find('.') != std::string::npos;
  key_string(w, bsuid ? "recipient" : "to", item.thread);
}

ProviderRequest whatsapp_message(rapidjson::StringBuffer& sb, std::string_view phone_number_id,
                                 std::string_view access_token) {
  return {"/" + std::string(phone_number_id) + "/messages", "application/json", done(sb),
          {{"Authorization", "Bearer " + std::string(access_token)}}};
}

// The MIME type alone, lowercased: "image/jpeg; name=x" -> "image/jpeg".
std::string bare_type(std::string_view content_type) {
  std::string t = ascii_lower(content_type.substr(0, content_type.find(';')));
  while (!t.empty() && t.back() == ' ') t.pop_back();
  return t;
}

constexpr std::size_t kMB = 1024 * 1024;

// What WhatsApp shows the file as: its media types and limits, else a document (any type).
const char* whatsapp_media_kind(std::string_view content_type, std::size_t bytes) {
  std::string t = bare_type(content_type);
  if ((t == "image/jpeg" || t == "image/png") && bytes <= 5 * kMB) return "image";
  if ((t == "video/mp4" || t == "video/3gpp") && bytes <= 16 * kMB) return "video";
  return "document";
}

}  // namespace

std::string basic_auth(std::string_view user, std::string_view password) {
  return "Basic " + base64_encode(std::string(user) + ":" + std::string(password));
}

ProviderRequest whatsapp_send(const OutboundItem& item, std::string_view phone_number_id,
                              std::string_view access_token) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  whatsapp_recipient(w, item);
  auto options = read_send_options(item.send_options);
  if (!options.template_name.empty()) {
    // {"type":"template","template":{"name","language":{"code"},"components":[{"type":"body",
    //  "parameters":[{"type":"text","text":...}]}]}}
    key_string(w, "type", "template");
    w.Key("template");
    w.StartObject();
    key_string(w, "name", options.template_name);
    w.Key("language");
    w.StartObject();
    key_string(w, "code", options.language);
    w.EndObject();
    if (!options.parameters.empty()) {
      w.Key("components");
      w.StartArray();
      w.StartObject();
      key_string(w, "type", "body");
      w.Key("parameters");
      w.StartArray();
      for (const auto& p : options.parameters) {
        w.StartObject();
        key_string(w, "type", "text");
        key_string(w, "text", p);
        w.EndObject();
      }
      w.EndArray();
      w.EndObject();
      w.EndArray();
    }
    w.EndObject();
  } else {
    key_string(w, "type", "text");
    w.Key("text");
    w.StartObject();
    key_string(w, "body", item.body);
    w.EndObject();
  }
  w.EndObject();
  return whatsapp_message(sb, phone_number_id, access_token);
}

ProviderRequest whatsapp_media_upload(const OutboundFile& file, std::string_view bytes,
                                      std::string_view phone_number_id, std::string_view access_token) {
  std::string type = bare_type(file.content_type);
  if (type.empty()) type = "application/octet-stream";
  auto form = build_form_body({{"messaging_product", "whatsapp", {}, {}},
                               {"type", type, {}, {}},
                               {"file", std::string(bytes), file.filename, type}});
  return {"/" + std::string(phone_number_id) + "/media", std::move(form.content_type),
          std::move(form.body), {{"Authorization", "Bearer " + std::string(access_token)}}};
}

ProviderRequest whatsapp_send_media(const OutboundItem& item, std::string_view media_id, std::size_t bytes,
                                    std::string_view phone_number_id, std::string_view access_token) {
  const OutboundFile* file = item.files.empty() ? nullptr : &item.files.front();
  const char* kind = whatsapp_media_kind(file ? file->content_type : "", bytes);
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  whatsapp_recipient(w, item);
  key_string(w, "type", kind);
  w.Key(kind);
  w.StartObject();
  key_string(w, "id", media_id);
  if (!item.body.empty()) key_string(w, "caption", item.body);
  if (file && std::string_view(kind) == "document") key_string(w, "filename", file->filename);
  w.EndObject();
  w.EndObject();
  return whatsapp_message(sb, phone_number_id, access_token);
}

ProviderRequest meta_messaging_send(const OutboundItem& item, std::string_view page_id,
                                    std::string_view page_access_token, std::string_view app_secret) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key("recipient");
  w.StartObject();
  key_string(w, "id", item.thread);
  w.EndObject();
  // Outside the 24-hour window Meta takes only a tagged message (HUMAN_AGENT: 7 days).
  auto options = read_send_options(item.send_options);
  if (options.tag.empty()) {
    key_string(w, "messaging_type", "RESPONSE");
  } else {
    key_string(w, "messaging_type", "MESSAGE_TAG");
    key_string(w, "tag", options.tag);
  }
  w.Key("message");
  w.StartObject();
  key_string(w, "text", item.body);
  w.EndObject();
  w.EndObject();
  std::string path = "/" + std::string(page_id) + "/messages?access_token=" + form_escape(page_access_token);
  if (!app_secret.empty())  // "Require App Secret" apps demand the proof; others ignore it
    path += "&appsecret_proof=" + hmac_sha256_hex(app_secret, page_access_token);
  return {path, "application/json", done(sb), {}};
}

ProviderRequest telegram_send(const OutboundItem& item, std::string_view bot_token) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key("chat_id");
  char* end = nullptr;
  long long id = std::strtoll(item.thread.c_str(), &end, 10);
  if (!item.thread.empty() && end && *end == '\0') w.Int64(id);
  else w.String(item.thread.c_str());
  key_string(w, "text", item.body);
  w.EndObject();
  return {"/bot" + std::string(bot_token) + "/sendMessage", "application/json", done(sb), {}};
}

ProviderRequest telegram_send_file(const OutboundItem& item, std::string_view bytes,
                                   std::string_view bot_token) {
  const OutboundFile* file = item.files.empty() ? nullptr : &item.files.front();
  std::string type = bare_type(file ? file->content_type : "");
  bool photo = (type == "image/jpeg" || type == "image/png" || type == "image/webp") &&
               bytes.size() <= 10 * kMB;
  const char* field = photo ? "photo" : "document";
  std::vector<FormField> fields{{"chat_id", item.thread, {}, {}}};
  if (!item.body.empty()) fields.push_back({"caption", item.body, {}, {}});
  fields.push_back({field, std::string(bytes), file ? file->filename : "file",
                    type.empty() ? "application/octet-stream" : type});
  auto form = build_form_body(fields);
  return {"/bot" + std::string(bot_token) + (photo ? "/sendPhoto" : "/sendDocument"),
          std::move(form.content_type), std::move(form.body), {}};
}

ProviderRequest twilio_send(const OutboundItem& item, std::string_view account_sid,
                            std::string_view auth_token, std::string_view from,
                            std::string_view status_callback, std::string_view media_url) {
  std::string sender(from);
  constexpr std::string_view kWa = "whatsapp:";
  if (item.thread.substr(0, kWa.size()) == kWa && sender.substr(0, kWa.size()) != kWa)
    sender = std::string(kWa) + sender;
  std::string body = "To=" + form_escape(item.thread) + "&From=" + form_escape(sender);
  auto options = read_send_options(item.send_options);
  if (!options.content_sid.empty()) {
    // A WhatsApp template through Twilio's Content API: the SID and {"1":..,"2":..}.
    rapidjson::StringBuffer sb;
    Writer w(sb);
    w.StartObject();
    for (std::size_t i = 0; i < options.parameters.size(); ++i)
      key_string(w, std::to_string(i + 1).c_str(), options.parameters[i]);
    w.EndObject();
    body += "&ContentSid=" + form_escape(options.content_sid) +
            "&ContentVariables=" + form_escape(done(sb));
  } else {
    body += "&Body=" + form_escape(item.body);
  }
  if (!media_url.empty()) body += "&MediaUrl=" + form_escape(media_url);
  if (!status_callback.empty()) body += "&StatusCallback=" + form_escape(status_callback);
  return {"/2010-04-01/Accounts/" + std::string(account_sid) + "/Messages.json",
          "application/x-www-form-urlencoded", body, {{"Authorization", basic_auth(account_sid, auth_token)}}};
}

// WhatsApp's rate limits: 130429 throughput, 131056 pair rate, 80007 account rate, 4 app rate.
// Wait and retry.
const std::set<int64_t> kWhatsAppRateLimits = {4, 80007, 130429, 131056};

DeliveryOutcome whatsapp_outcome(int status, std::string_view body, std::string_view network_error) {
  return graph_outcome(status, body, network_error, kWhatsAppRateLimits, "messages", "id");
}

DeliveryOutcome whatsapp_upload_outcome(int status, std::string_view body, std::string_view network_error) {
  // {"id":"<media id>"}; the same rate limits as a send.
  auto outcome = graph_outcome(status, body, network_error, kWhatsAppRateLimits, "id", "");
  if (outcome.kind == DeliveryKind::sent && outcome.provider_id.empty())
    return failed("the upload's answer names no media id: " + short_body(status, body));
  if (!outcome.error.empty()) outcome.error = "uploading the file: " + outcome.error;
  return outcome;
}

DeliveryOutcome meta_messaging_outcome(int status, std::string_view body, std::string_view network_error) {
  // 4, 32, 613: rate limits.
  return graph_outcome(status, body, network_error, {4, 32, 613}, "message_id", "");
}

DeliveryOutcome telegram_outcome(int status, std::string_view body, std::string_view network_error) {
  if (auto t = transport_outcome(status, network_error)) return *t;
  auto doc = parse(body);
  if (doc && json::flag(*doc, "ok")) {
    const auto* result = json::object(*doc, "result");
    std::string id;
    if (result) {
      const auto* chat = json::object(*result, "chat");
      id = (chat ? json::text(*chat, "id") + ":" : "") + json::text(*result, "message_id");
    }
    return {DeliveryKind::sent, id, ""};
  }
  if (!doc) return failed(short_body(status, body));
  return failed(json::text(*doc, "error_code") + " " + json::text(*doc, "description"));
}

DeliveryOutcome twilio_outcome(int status, std::string_view body, std::string_view network_error) {
  if (auto t = transport_outcome(status, network_error)) return *t;
  auto doc = parse(body);
  if (status >= 200 && status < 300) return {DeliveryKind::sent, doc ? json::text(*doc, "sid") : "", ""};
  if (!doc) return failed(short_body(status, body));
  std::string words = "Twilio error " + json::text(*doc, "code") + ": " + json::text(*doc, "message");
  if (json::integer(*doc, "code") == 20429) return retry(words);
  return failed(words);
}

}  // namespace touchpoint::protocol
