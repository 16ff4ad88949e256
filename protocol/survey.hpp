#pragma once
// Satisfaction surveys (the contract's "Satisfaction surveys"): the kinds and their scales,
// the rules that decide whether a solved ticket is surveyed, reading a score out of a reply,
// and the built-in texts in en, it, es and pl. Pure: the caller supplies the facts and the time.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/reply_rules.hpp"

namespace touchpoint::protocol {

enum class SurveyKind { csat, nps, ces };

struct SurveyScale {
  int min = 1, max = 5;
};

std::optional<SurveyKind> survey_kind(std::string_view name);  // "csat" | "nps" | "ces"
const char* survey_kind_name(SurveyKind kind);
SurveyScale survey_scale(SurveyKind kind);  // csat 1-5, nps 0-10, ces 1-7
bool is_survey_language(std::string_view language);  // en, it, es, pl
// "it-IT", "es_419", "PL" → the built-in language it names, or nullopt.
std::optional<std::string> survey_language_of(std::string_view tag);

// The [survey] table, validated.
struct SurveySettings {
  SurveyKind kind = SurveyKind::csat;
  int64_t delay_seconds = 3600;
  int64_t cooldown_seconds = 30 * 86400;
  int64_t expires_seconds = 7 * 86400;
  std::string language = "en";
  std::string public_url;  // the survey page's links start here (no trailing '/')
  // WhatsApp channels (by name) that may open a survey outside the 24-hour window with this
  // approved template (the channel's survey_template).
  std::map<std::string, ReplyTemplate> templates;
};

// What is known about a solved ticket when its survey falls due.
struct SurveyFacts {
  std::string ticket_status;
  std::string channel_type;
  std::string thread;                         // the conversation address, as replies use it
  bool customer_spoke = false;                // a message of the customer's own, not automatic
  bool has_email_address = false;             // email: somewhere to send it
  std::optional<int64_t> last_survey_sent_at;  // the customer's latest survey, any channel
  bool other_open_ticket = false;             // another ticket of theirs is not solved or closed
  std::optional<int64_t> last_inbound_at;     // the customer's latest message on the ticket
  bool has_template = false;                  // the channel's survey_template exists
};

struct SurveyDecision {
  bool send = false;
  std::string reason;         // skipped: why (reopened, cooldown, open_ticket, automatic, unreachable)
  bool use_template = false;  // WhatsApp outside the window: the survey_template opens it
};

// The contract's rules, in order: still solved (or closed), cooldown across channels, another
// open ticket, every customer message automatic, the channel cannot reach them now.
SurveyDecision decide_survey(const SurveyFacts& facts, const SurveySettings& settings, int64_t now);

// A conversational channel carries the survey as messages; email as a mail with links.
bool survey_is_conversational(std::string_view channel_type);

// The score a reply gives, when the whole reply is one: "9", "9/10", "9 out of 10", "nine",
// "nove", "nueve", "dziewięć" (every built-in language's words are understood, whatever the
// survey's language). Out of the kind's range, or anything more: nullopt.
std::optional<int> parse_survey_score(std::string_view text, SurveyKind kind);

// The texts of a survey in a built-in language (unknown: English).
struct SurveyTexts {
  std::string question;  // the question alone
  std::string low, high;  // what the scale's ends mean
  std::string hint;      // "Reply with a number from 1 (...) to 5 (...)."
  std::string reason;    // the follow-up "why?"
  std::string thanks;
  // The survey page.
  std::string page_title, comment_label, submit, thanks_page, change_note;
  std::string expired_page, not_found_page, invalid_score, comment_too_long, unavailable;
};
SurveyTexts survey_texts(SurveyKind kind, std::string_view language);

// The conversational question: the question and how to answer.
std::string survey_question_message(SurveyKind kind, std::string_view language);
// The mail: the question, then one link per score to {page_url}?score=N.
std::string survey_email_body(SurveyKind kind, std::string_view language, std::string_view page_url);

// The send_options of a survey message: {"survey":{"id":N,"step":"question"|"reason"|"thanks"}}
// and, when the channel's template opens it, {"template":{"name","language","content_sid"}}.
std::string survey_send_options(int64_t survey_id, std::string_view step, const ReplyTemplate* opener);

// A comment is kept to this many bytes (cut at a character boundary).
inline constexpr std::size_t kMaxSurveyComment = 5000;
std::string clip_comment(std::string_view text);

// A ticket's survey as the API shows it.
struct SurveyView {
  int64_t id = 0;
  std::string kind, channel, status;  // status as stored: scheduled|sent|answered|skipped
  std::optional<int64_t> score;
  std::optional<std::string> comment, reason;
  std::optional<int64_t> sent_at, answered_at, expires_at;
};
// {"id","kind","channel","status","score","comment","sent_at","answered_at","reason"}; a sent
// survey past its expiry reads "expired".
std::string encode_survey(const SurveyView& s, int64_t now);

// One row of GET /api/v1/stats/satisfaction.
struct SatisfactionFigures {
  std::string key, label;  // label: agent rows, the agent's name
  std::string kind;
  int64_t sent = 0, responses = 0;
  int64_t satisfied = 0;               // csat 4-5
  int64_t promoters = 0, detractors = 0;  // nps 9-10, 0-6
  int64_t score_sum = 0;
};
std::string encode_satisfaction(const std::vector<SatisfactionFigures>& rows);

}  // namespace touchpoint::protocol
