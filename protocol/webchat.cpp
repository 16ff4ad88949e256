#include "protocol/webchat.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "protocol/api_channel.hpp"
#include "protocol/identity.hpp"
#include "protocol/language.hpp"
#include "protocol/origin.hpp"
#include "protocol/signature.hpp"
#include "protocol/time.hpp"

namespace touchpoint::protocol {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
using Value = rapidjson::Value;

void str(Writer& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

bool hex_digit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

std::string token_mac(std::string_view secret, std::string_view channel, std::string_view visitor) {
  std::string data = "webchat-visitor:";
  data.append(channel).append(":").append(visitor);
  return hmac_sha256_hex(secret, data).substr(0, 32);
}

// Equal in time independent of where they differ: the MAC is a secret's proof.
bool same(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

Error bad(std::string_view code, std::string_view message) {
  return Error{Errc::bad_request, std::string(code) + ": " + std::string(message)};
}

Result<std::optional<std::string>> optional_text(const Value& doc, const char* key, std::size_t max) {
  auto it = doc.FindMember(key);
  if (it == doc.MemberEnd() || it->value.IsNull()) return std::optional<std::string>{};
  if (!it->value.IsString()) return bad("bad_frame", std::string(key) + " must be a string");
  if (it->value.GetStringLength() > max)
    return bad("bad_frame", std::string(key) + " is longer than " + std::to_string(max) + " bytes");
  return std::optional<std::string>{std::string(it->value.GetString(), it->value.GetStringLength())};
}

bool client_id_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
}

Result<ChatFrame> hello(const Value& doc) {
  ChatHello h;
  auto token = optional_text(doc, "visitor_token", 200);
  if (!token) return token.error();
  h.visitor_token = std::move(token).value();
  if (auto it = doc.FindMember("after"); it != doc.MemberEnd() && !it->value.IsNull()) {
    if (!it->value.IsInt64() || it->value.GetInt64() < 0)
      return bad("bad_frame", "after must be a seq (a number, 0 or more)");
    h.after = it->value.GetInt64();
  }
  auto name = optional_text(doc, "name", kMaxNameBytes);
  if (!name) return name.error();
  if (name.value() && !name.value()->empty()) h.name = std::move(name).value();
  auto email = optional_text(doc, "email", 254);
  if (!email) return email.error();
  if (email.value() && !email.value()->empty()) {
    auto e = normalize_email(*email.value());
    if (!e) return bad("bad_email", "email is not an email address");
    h.email = std::move(e);
  }
  // The browser's language (navigator.language): a hint, so a malformed one is only ignored.
  auto language = optional_text(doc, "language", 64);
  if (!language) return language.error();
  if (language.value()) h.language = language_tag(*language.value());
  return ChatFrame{std::move(h)};
}

Result<ChatFrame> say(const Value& doc) {
  ChatSay s;
  auto id = optional_text(doc, "client_id", kMaxChatClientIdBytes);
  if (!id) return id.error();
  if (!id.value() || id.value()->empty()) return bad("bad_frame", "a message needs a client_id");
  for (char c : *id.value())
    if (!client_id_char(c)) return bad("bad_frame", "client_id takes letters, digits, '-' and '_'");
  s.client_id = *id.value();
  auto text = optional_text(doc, "text", kMaxChatFrameBytes);
  if (!text) return text.error();
  if (!text.value()) return bad("bad_frame", "a message needs text");
  s.text = *text.value();
  if (s.text.find_first_not_of(" \t\r\n") == std::string::npos)
    return bad("empty_message", "the message has no text");
  return ChatFrame{std::move(s)};
}

Result<ChatFrame> survey_answer(const Value& doc) {
  ChatSurveyAnswer a;
  auto id = doc.FindMember("id");
  auto score = doc.FindMember("score");
  if (id == doc.MemberEnd() || !id->value.IsInt64() || id->value.GetInt64() <= 0)
    return bad("bad_frame", "survey_answer needs the survey's id");
  if (score == doc.MemberEnd() || !score->value.IsInt() || score->value.GetInt() < 0 ||
      score->value.GetInt() > 10)
    return bad("bad_frame", "survey_answer needs a score from 0 to 10");
  a.id = id->value.GetInt64();
  a.score = score->value.GetInt();
  auto comment = optional_text(doc, "comment", kMaxChatFrameBytes);
  if (!comment) return comment.error();
  if (comment.value() && comment.value()->find_first_not_of(" \t\r\n") != std::string::npos)
    a.comment = std::move(comment).value();
  return ChatFrame{std::move(a)};
}

// A chat has no subject: its first line names the ticket in the agents' queue (80 bytes at
// most, cut at a character boundary).
std::string chat_subject(std::string_view text) {
  auto start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return {};
  text = text.substr(start);
  text = text.substr(0, text.find('\n'));
  if (text.size() > 80) {
    std::size_t cut = 80;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    return std::string(text.substr(0, cut)) + "…";
  }
  while (!text.empty() && (text.back() == '\r' || text.back() == ' ')) text.remove_suffix(1);
  return std::string(text);
}

}  // namespace

bool is_visitor_id(std::string_view id) {
  if (id.size() != 32) return false;
  for (char c : id)
    if (!hex_digit(c)) return false;
  return true;
}

std::string visitor_token(std::string_view secret, std::string_view channel, std::string_view visitor) {
  return "v1." + std::string(visitor) + "." + token_mac(secret, channel, visitor);
}

std::optional<std::string> visitor_of_token(std::string_view secret, std::string_view channel,
                                            std::string_view token) {
  if (token.size() != 3 + 32 + 1 + 32 || token.substr(0, 3) != "v1." || token[35] != '.')
    return std::nullopt;
  std::string_view visitor = token.substr(3, 32);
  if (!is_visitor_id(visitor)) return std::nullopt;
  if (!same(token.substr(36), token_mac(secret, channel, visitor))) return std::nullopt;
  return std::string(visitor);
}

bool chat_origin_allowed(std::string_view origin, const std::vector<std::string>& allowed,
                         std::string_view public_url) {
  auto o = origin_of(origin);
  if (!o) return false;
  if (auto ours = origin_of(public_url); ours && *ours == *o) return true;
  for (const auto& a : allowed)
    if (auto listed = origin_of(a); listed && *listed == *o) return true;
  return false;
}

std::string chat_frame_ancestors(const std::vector<std::string>& allowed) {
  std::string out;
  for (const auto& a : allowed)
    if (auto o = origin_of(a)) out += (out.empty() ? "" : " ") + *o;
  return out.empty() ? "'none'" : out;
}

Result<ChatFrame> parse_chat_frame(std::string_view text) {
  if (text.size() > kMaxChatFrameBytes)
    return bad("too_large", "a frame is at most " + std::to_string(kMaxChatFrameBytes) + " bytes");
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseStopWhenDoneFlag>(text.data(),
                                                                                    text.size());
  if (doc.HasParseError() || !doc.IsObject()) return bad("bad_json", "a frame is one JSON object");
  auto type = doc.FindMember("type");
  if (type == doc.MemberEnd() || !type->value.IsString()) return bad("bad_frame", "a frame needs a type");
  std::string_view t(type->value.GetString(), type->value.GetStringLength());
  if (t == "hello") return hello(doc);
  if (t == "message") return say(doc);
  if (t == "typing") {
    auto on = doc.FindMember("on");
    if (on == doc.MemberEnd() || !on->value.IsBool()) return bad("bad_frame", "typing needs on: true or false");
    return ChatFrame{ChatTyping{on->value.GetBool()}};
  }
  if (t == "survey_answer") return survey_answer(doc);
  if (t == "ping") return ChatFrame{ChatPing{}};
  return bad("unknown_type", "no frame of this type");
}

ChatError chat_error_of(const Error& e) {
  auto colon = e.message.find(": ");
  if (colon == std::string::npos) return {"bad_frame", e.message};
  return {e.message.substr(0, colon), e.message.substr(colon + 2)};
}

Identity visitor_identity(std::string_view visitor) { return {"webchat", std::string(visitor)}; }

InboundContact chat_contact(std::string_view channel, std::string_view visitor, const ChatSay& s,
                            const std::optional<std::string>& name,
                            const std::optional<std::string>& email, std::string_view language,
                            int64_t now) {
  InboundContact c;
  c.channel_type = "webchat";
  c.channel_name = std::string(channel);
  c.external_id = std::string(visitor) + ":" + s.client_id;
  c.thread_key = std::string(visitor);
  c.from.push_back(visitor_identity(visitor));
  if (email) c.from.push_back({"email", *email});
  c.from_name = name.value_or("");
  c.language = std::string(language);
  c.text = s.text;
  c.subject = chat_subject(s.text);
  c.sent_at = now;
  return c;
}

std::string chat_client_id(std::string_view external_id) {
  auto colon = external_id.find(':');
  return colon == std::string_view::npos ? std::string() : std::string(external_id.substr(colon + 1));
}

std::string encode_chat_welcome(std::string_view token, int64_t seq, bool agents_online) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("type");
  w.String("welcome");
  w.Key("visitor_token");
  str(w, token);
  w.Key("seq");
  w.Int64(seq);
  w.Key("agents_online");
  w.Bool(agents_online);
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

std::string encode_chat_ack(std::string_view client_id, int64_t message_id, int64_t seq) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("type");
  w.String("ack");
  w.Key("client_id");
  str(w, client_id);
  w.Key("message_id");
  w.Int64(message_id);
  w.Key("seq");
  w.Int64(seq);
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

std::string encode_chat_line(const ChatLine& l) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("type");
  w.String("message");
  w.Key("seq");
  w.Int64(l.seq);
  w.Key("message_id");
  w.Int64(l.message_id);
  w.Key("author");
  str(w, l.author);
  if (l.author == "agent" && !l.agent_name.empty()) {
    w.Key("agent_name");
    str(w, l.agent_name);
  }
  w.Key("text");
  str(w, l.text);
  w.Key("created_at");
  str(w, format_rfc3339(l.created_at));
  if (!l.client_id.empty()) {
    w.Key("client_id");
    str(w, l.client_id);
  }
  if (l.survey_id > 0) {
    w.Key("survey");
    w.StartObject();
    w.Key("id");
    w.Int64(l.survey_id);
    w.Key("kind");
    str(w, l.survey_kind);
    w.EndObject();
  }
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

std::string encode_chat_typing(bool on, std::string_view agent_name) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("type");
  w.String("typing");
  w.Key("on");
  w.Bool(on);
  if (!agent_name.empty()) {
    w.Key("agent_name");
    str(w, agent_name);
  }
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

std::string encode_chat_survey(int64_t id, std::string_view kind, std::string_view question) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("type");
  w.String("survey");
  w.Key("id");
  w.Int64(id);
  w.Key("kind");
  str(w, kind);
  w.Key("question");
  str(w, question);
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

std::string encode_chat_error(std::string_view code, std::string_view message) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("type");
  w.String("error");
  w.Key("code");
  str(w, code);
  w.Key("message");
  str(w, message);
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

}  // namespace touchpoint::protocol
