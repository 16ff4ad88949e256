#pragma once
// Web chat (the contract's "Web chat"): the visitor token, which pages may connect, and the
// JSON frames of /chat/ws both ways. Pure: the secret, the new visitor id and the time are
// given by the caller.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocol/model.hpp"
#include "protocol/result.hpp"

namespace touchpoint::protocol {

inline constexpr std::size_t kMaxChatFrameBytes = 16 * 1024;  // bigger: closed with 1009
inline constexpr std::size_t kMaxChatClientIdBytes = 64;

// A visitor is 128 random bits as 32 lowercase hex digits. Their token names them and the
// channel, signed with the server's secret: "v1.{visitor}.{32 hex of HMAC-SHA256}". Nobody can
// make a token for a visitor id they only guessed, and a token of one channel is refused by
// another.
bool is_visitor_id(std::string_view id);
std::string visitor_token(std::string_view secret, std::string_view channel, std::string_view visitor);
// The visitor a token names, when it is ours for this channel; nullopt otherwise.
std::optional<std::string> visitor_of_token(std::string_view secret, std::string_view channel,
                                            std::string_view token);

// Whether a page at origin (the Origin header) may open the chat: one of allowed_origins, or
// the origin of public_url (the widget's own frame). No Origin, or "null", never may.
bool chat_origin_allowed(std::string_view origin, const std::vector<std::string>& allowed_origins,
                         std::string_view public_url);
// The CSP frame-ancestors value for the widget's frame: the allowed origins, or 'none'.
std::string chat_frame_ancestors(const std::vector<std::string>& allowed_origins);

// What a visitor sends.
struct ChatHello {
  std::optional<std::string> visitor_token;  // null on a first visit
  int64_t after = 0;                         // the last seq this tab has
  std::optional<std::string> name, email;    // email: normalized
  std::string language;                      // the browser's, as a tag; "" when unknown
};
struct ChatSay {
  std::string client_id;  // the tab's own id for the message: retries carry the same one
  std::string text;
};
struct ChatTyping {
  bool on = false;
};
struct ChatSurveyAnswer {
  int64_t id = 0;
  int score = 0;
  std::optional<std::string> comment;
};
struct ChatPing {};
using ChatFrame = std::variant<ChatHello, ChatSay, ChatTyping, ChatSurveyAnswer, ChatPing>;

// A frame's JSON text, checked. Errors (Errc::bad_request) carry the error frame's code in
// the message's first word: "bad_json: ...", "unknown_type: ...", "bad_frame: ...".
Result<ChatFrame> parse_chat_frame(std::string_view text);
struct ChatError {
  std::string code, message;
};
ChatError chat_error_of(const Error& e);

// The contact a visitor's message is: thread and identity are the visitor, the idempotency
// key is the visitor's client_id (a resend stores nothing new).
InboundContact chat_contact(std::string_view channel, std::string_view visitor, const ChatSay& say,
                            const std::optional<std::string>& name,
                            const std::optional<std::string>& email, std::string_view language,
                            int64_t now);
// The identity a visitor is known by (type "webchat").
Identity visitor_identity(std::string_view visitor);

// One line of a conversation as the visitor sees it.
struct ChatLine {
  int64_t seq = 0, message_id = 0;
  std::string author;      // customer | agent | system
  std::string agent_name;  // agent lines
  std::string text;
  int64_t created_at = 0;
  std::string client_id;   // the visitor's own lines
  // A survey's question: the widget offers the scale.
  int64_t survey_id = 0;
  std::string survey_kind;
};

// welcome; agents_online (an extension): whether anyone is there to answer now (the widget
// says "we'll reply by email" when not).
std::string encode_chat_welcome(std::string_view visitor_token, int64_t seq, bool agents_online);
std::string encode_chat_ack(std::string_view client_id, int64_t message_id, int64_t seq);
std::string encode_chat_line(const ChatLine& line);
std::string encode_chat_typing(bool on, std::string_view agent_name);
std::string encode_chat_survey(int64_t id, std::string_view kind, std::string_view question);
std::string encode_chat_error(std::string_view code, std::string_view message);
inline constexpr std::string_view kChatPong = R"({"type":"pong"})";

// The client_id of a visitor's stored message (its external_id "{visitor}:{client_id}").
std::string chat_client_id(std::string_view external_id);

}  // namespace touchpoint::protocol
