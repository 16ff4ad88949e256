#include "protocol/survey.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>
#include <cmath>

#include "protocol/ascii.hpp"
#include "protocol/time.hpp"

namespace touchpoint::protocol {
namespace {

// Per language: the question, and the meaning of the scale's ends, for csat, nps and ces.
struct Language {
  const char* code;
  std::array<const char*, 3> question, low, high;
  const char* hint;  // {min} {low} {max} {high}
  const char* reason;
  const char* thanks;
  const char* page_title;
  const char* comment_label;
  const char* submit;
  const char* thanks_page;
  const char* change_note;
  const char* expired_page;
  const char* not_found_page;
  const char* invalid_score;  // {min} {max}
  const char* comment_too_long;
  const char* unavailable;
  std::array<const char*, 11> numbers;  // 0..10 as words, lowercase
  std::array<const char*, 11> plain;    // the same without diacritics (as phones type them)
};

const Language kLanguages[] = {
    {"en",
     {"How would you rate the support you received?",
      "How likely are you to recommend us to a friend or colleague?",
      "How easy was it to get your issue resolved?"},
     {"very dissatisfied", "not at all likely", "very difficult"},
     {"very satisfied", "extremely likely", "very easy"},
     "Reply with a number from {min} ({low}) to {max} ({high}).",
     "Thank you! What is the main reason for your score?",
     "Thank you for your feedback.",
     "Your feedback",
     "Anything you would like to tell us? (optional)",
     "Send",
     "Thank you for your feedback.",
     "You can change your answer until the survey closes.",
     "This survey has closed.",
     "This survey does not exist.",
     "Please choose a score from {min} to {max}.",
     "Your comment is too long: at most 5,000 characters, please.",
     "We could not save your answer just now. Please try again in a minute.",
     {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"},
     {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}},
    {"it",
     {"Come valuti l'assistenza che hai ricevuto?",
      "Quanto è probabile che tu ci consigli a un amico o a un collega?",
      "Quanto è stato facile risolvere il tuo problema?"},
     {"per niente soddisfatto", "per niente probabile", "molto difficile"},
     {"molto soddisfatto", "estremamente probabile", "molto facile"},
     "Rispondi con un numero da {min} ({low}) a {max} ({high}).",
     "Grazie! Qual è il motivo principale del tuo voto?",
     "Grazie per il tuo riscontro.",
     "Il tuo parere",
     "Vuoi dirci qualcosa? (facoltativo)",
     "Invia",
     "Grazie per il tuo riscontro.",
     "Puoi cambiare la tua risposta finché il sondaggio è aperto.",
     "Questo sondaggio è chiuso.",
     "Questo sondaggio non esiste.",
     "Scegli un voto da {min} a {max}.",
     "Il commento è troppo lungo: al massimo 5.000 caratteri, per favore.",
     "Non siamo riusciti a salvare la tua risposta. Riprova tra un minuto.",
     {"zero", "uno", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove", "dieci"},
     {"zero", "uno", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove", "dieci"}},
    {"es",
     {"¿Cómo valoras la atención que recibiste?",
      "¿Qué probabilidad hay de que nos recomiendes a un amigo o colega?",
      "¿Qué tan fácil fue resolver tu problema?"},
     {"muy insatisfecho", "nada probable", "muy difícil"},
     {"muy satisfecho", "muy probable", "muy fácil"},
     "Responde con un número del {min} ({low}) al {max} ({high}).",
     "¡Gracias! ¿Cuál es el motivo principal de tu puntuación?",
     "Gracias por tu opinión.",
     "Tu opinión",
     "¿Quieres contarnos algo más? (opcional)",
     "Enviar",
     "Gracias por tu opinión.",
     "Puedes cambiar tu respuesta mientras la encuesta siga abierta.",
     "Esta encuesta ya está cerrada.",
     "Esta encuesta no existe.",
     "Elige una puntuación del {min} al {max}.",
     "Tu comentario es demasiado largo: como máximo 5.000 caracteres, por favor.",
     "No pudimos guardar tu respuesta. Vuelve a intentarlo en un minuto.",
     {"cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez"},
     {"cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez"}},
    {"pl",
     {"Jak oceniasz otrzymaną pomoc?",
      "Jak bardzo prawdopodobne jest, że polecisz nas znajomemu lub współpracownikowi?",
      "Jak łatwo było rozwiązać Twój problem?"},
     {"bardzo niezadowolony", "zupełnie nieprawdopodobne", "bardzo trudno"},
     {"bardzo zadowolony", "bardzo prawdopodobne", "bardzo łatwo"},
     "Odpowiedz liczbą od {min} ({low}) do {max} ({high}).",
     "Dziękujemy! Jaki jest główny powód Twojej oceny?",
     "Dziękujemy za opinię.",
     "Twoja opinia",
     "Chcesz nam coś przekazać? (opcjonalnie)",
     "Wyślij",
     "Dziękujemy za opinię.",
     "Możesz zmienić odpowiedź, dopóki ankieta jest otwarta.",
     "Ta ankieta jest już zamknięta.",
     "Ta ankieta nie istnieje.",
     "Wybierz ocenę od {min} do {max}.",
     "Komentarz jest za długi: najwyżej 5000 znaków.",
     "Nie udało się zapisać odpowiedzi. Spróbuj ponownie za minutę.",
     {"zero", "jeden", "dwa", "trzy", "cztery", "pięć", "sześć", "siedem", "osiem", "dziewięć",
      "dziesięć"},
     {"zero", "jeden", "dwa", "trzy", "cztery", "piec", "szesc", "siedem", "osiem", "dziewiec",
      "dziesiec"}},
};

const Language& language(std::string_view code) {
  for (const auto& l : kLanguages)
    if (code == l.code) return l;
  return kLanguages[0];
}

std::size_t index(SurveyKind k) { return static_cast<std::size_t>(k); }

std::string fill(std::string text, const std::map<std::string, std::string>& values) {
  for (const auto& [name, value] : values) {
    std::string key = "{" + name + "}";
    for (auto at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size()))
      text.replace(at, key.size(), value);
  }
  return text;
}

bool space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && (space(s.back()) || s.back() == '.' || s.back() == '!')) s.remove_suffix(1);
  return s;
}

// Lowercase as number words compare: ASCII, and the Polish capitals they use (Ę, Ć, Ś).
std::string lower(std::string_view s) {
  std::string out = ascii_lower(s);
  for (auto [upper, low] : {std::pair{"\xC4\x98", "\xC4\x99"}, std::pair{"\xC4\x86", "\xC4\x87"},
                            std::pair{"\xC5\x9A", "\xC5\x9B"}})
    for (auto at = out.find(upper); at != std::string::npos; at = out.find(upper, at))
      out.replace(at, 2, low);
  return out;
}

// A number written with digits (at most two) or as a word of any built-in language.
std::optional<int> number(std::string_view word) {
  if (!word.empty() && word.size() <= 2 &&
      word.find_first_not_of("0123456789") == std::string_view::npos) {
    int n = 0;
    for (char c : word) n = n * 10 + (c - '0');
    return n;
  }
  std::string w = lower(word);
  for (const auto& l : kLanguages)
    for (int n = 0; n <= 10; ++n)
      if (w == l.numbers[static_cast<std::size_t>(n)] || w == l.plain[static_cast<std::size_t>(n)])
        return n;
  return std::nullopt;
}

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
void key_text(Writer& w, const char* key, const std::optional<std::string>& v) {
  w.Key(key);
  v ? w.String(v->data(), static_cast<rapidjson::SizeType>(v->size())) : w.Null();
}
void key_int(Writer& w, const char* key, std::optional<int64_t> v) {
  w.Key(key);
  v ? w.Int64(*v) : w.Null();
}
void key_time(Writer& w, const char* key, std::optional<int64_t> v) {
  key_text(w, key, v ? std::optional<std::string>(format_rfc3339(*v)) : std::nullopt);
}
void key_ratio(Writer& w, const char* key, std::optional<double> v) {
  w.Key(key);
  v ? w.Double(std::round(*v * 10000) / 10000) : w.Null();
}

}  // namespace

std::optional<SurveyKind> survey_kind(std::string_view name) {
  if (name == "csat") return SurveyKind::csat;
  if (name == "nps") return SurveyKind::nps;
  if (name == "ces") return SurveyKind::ces;
  return std::nullopt;
}

const char* survey_kind_name(SurveyKind kind) {
  switch (kind) {
    case SurveyKind::nps: return "nps";
    case SurveyKind::ces: return "ces";
    case SurveyKind::csat: break;
  }
  return "csat";
}

SurveyScale survey_scale(SurveyKind kind) {
  switch (kind) {
    case SurveyKind::nps: return {0, 10};
    case SurveyKind::ces: return {1, 7};
    case SurveyKind::csat: break;
  }
  return {1, 5};
}

bool is_survey_language(std::string_view code) {
  for (const auto& l : kLanguages)
    if (code == l.code) return true;
  return false;
}

std::optional<std::string> survey_language_of(std::string_view tag) {
  if (tag.size() < 2) return std::nullopt;
  std::string code = lower(tag.substr(0, 2));
  if (tag.size() > 2 && tag[2] != '-' && tag[2] != '_') return std::nullopt;
  if (!is_survey_language(code)) return std::nullopt;
  return code;
}

bool survey_is_conversational(std::string_view type) {
  return type == "whatsapp" || type == "messenger" || type == "instagram" || type == "telegram" ||
         type == "twilio" || type == "api" || type == "webchat";
}

SurveyDecision decide_survey(const SurveyFacts& f, const SurveySettings& s, int64_t now) {
  auto skip = [](const char* why) { return SurveyDecision{false, why, false}; };
  if (f.ticket_status != "solved" && f.ticket_status != "closed") return skip("reopened");
  if (f.last_survey_sent_at && *f.last_survey_sent_at > now - s.cooldown_seconds)
    return skip("cooldown");
  if (f.other_open_ticket) return skip("open_ticket");
  if (!f.customer_spoke) return skip("automatic");
  if (f.channel_type == "email") {
    if (!f.has_email_address) return skip("unreachable");
    return {true, "", false};
  }
  if (!survey_is_conversational(f.channel_type)) return skip("unreachable");
  if (f.channel_type != "api" && f.thread.empty()) return skip("unreachable");
  // The provider's own rules on a message we start: WhatsApp's 24 hours opened only by a
  // template, Messenger's and Instagram's by nothing a survey may use.
  std::string probe = survey_question_message(s.kind, s.language);
  if (!check_reply(f.channel_type, f.thread, probe, f.last_inbound_at, now)) {
    bool whatsapp = f.channel_type == "whatsapp" ||
                    (f.channel_type == "twilio" && f.thread.rfind("whatsapp:", 0) == 0);
    if (whatsapp && f.has_template) return {true, "", true};
    return skip("unreachable");
  }
  return {true, "", false};
}

std::optional<int> parse_survey_score(std::string_view text, SurveyKind kind) {
  if (text.size() > 40) return std::nullopt;
  std::string_view s = trim(text);
  // The score, then optionally "/N" or "out of N" (and its it/es/pl words) naming the scale.
  std::size_t end = 0;
  while (end < s.size() && !space(s[end]) && s[end] != '/') ++end;
  auto score = number(s.substr(0, end));
  if (!score) return std::nullopt;
  std::string_view rest = trim(s.substr(end));
  SurveyScale scale = survey_scale(kind);
  if (!rest.empty()) {
    std::string r = lower(rest);
    std::string_view of = r;
    bool named = false;
    for (std::string_view p : {"/", "out of ", "of ", "su ", "de ", "sobre ", "na ", "z "}) {
      if (of.substr(0, p.size()) == p) {
        of.remove_prefix(p.size());
        named = true;
        break;
      }
    }
    while (!of.empty() && space(of.front())) of.remove_prefix(1);
    auto max = named ? number(of) : std::nullopt;
    if (!max || *max != scale.max) return std::nullopt;
  }
  if (*score < scale.min || *score > scale.max) return std::nullopt;
  return score;
}

SurveyTexts survey_texts(SurveyKind kind, std::string_view code) {
  const Language& l = language(code);
  SurveyScale scale = survey_scale(kind);
  std::size_t k = index(kind);
  SurveyTexts t;
  t.question = l.question[k];
  t.low = l.low[k];
  t.high = l.high[k];
  t.hint = fill(l.hint, {{"min", std::to_string(scale.min)},
                         {"max", std::to_string(scale.max)},
                         {"low", t.low},
                         {"high", t.high}});
  t.reason = l.reason;
  t.thanks = l.thanks;
  t.page_title = l.page_title;
  t.comment_label = l.comment_label;
  t.submit = l.submit;
  t.thanks_page = l.thanks_page;
  t.change_note = l.change_note;
  t.expired_page = l.expired_page;
  t.not_found_page = l.not_found_page;
  t.invalid_score =
      fill(l.invalid_score, {{"min", std::to_string(scale.min)}, {"max", std::to_string(scale.max)}});
  t.comment_too_long = l.comment_too_long;
  t.unavailable = l.unavailable;
  return t;
}

std::string survey_question_message(SurveyKind kind, std::string_view language) {
  SurveyTexts t = survey_texts(kind, language);
  return t.question + " " + t.hint;
}

std::string survey_email_body(SurveyKind kind, std::string_view language, std::string_view page_url) {
  SurveyTexts t = survey_texts(kind, language);
  SurveyScale scale = survey_scale(kind);
  std::string body = t.question + "\n\n";
  for (int n = scale.max; n >= scale.min; --n) {
    body += std::to_string(n);
    if (n == scale.max) body += " (" + t.high + ")";
    if (n == scale.min) body += " (" + t.low + ")";
    body += ": " + std::string(page_url) + "?score=" + std::to_string(n) + "\n";
  }
  return body;
}

std::string survey_send_options(int64_t survey_id, std::string_view step, const ReplyTemplate* opener) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key("survey");
  w.StartObject();
  w.Key("id");
  w.Int64(survey_id);
  key_text(w, "step", std::string(step));
  w.EndObject();
  if (opener) {
    w.Key("template");
    w.StartObject();
    key_text(w, "name", opener->name);
    key_text(w, "language", opener->language);
    if (!opener->content_sid.empty()) key_text(w, "content_sid", opener->content_sid);
    w.EndObject();
  }
  w.EndObject();
  return sb.GetString();
}

std::string clip_comment(std::string_view text) {
  if (text.size() <= kMaxSurveyComment) return std::string(text);
  std::size_t end = kMaxSurveyComment;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end));
}

std::string encode_survey(const SurveyView& s, int64_t now) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key("id");
  w.Int64(s.id);
  key_text(w, "kind", s.kind);
  key_text(w, "channel", s.channel);
  std::string status = s.status;
  if (status == "sent" && s.expires_at && now >= *s.expires_at) status = "expired";
  key_text(w, "status", status);
  key_int(w, "score", s.score);
  key_text(w, "comment", s.comment);
  key_time(w, "sent_at", s.sent_at);
  key_time(w, "answered_at", s.answered_at);
  key_time(w, "expires_at", s.expires_at);
  key_text(w, "reason", s.reason);
  w.EndObject();
  return sb.GetString();
}

std::string encode_satisfaction(const std::vector<SatisfactionFigures>& rows) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key("rows");
  w.StartArray();
  for (const auto& r : rows) {
    w.StartObject();
    key_text(w, "key", r.key);
    if (!r.label.empty()) key_text(w, "label", r.label);
    key_text(w, "kind", r.kind);
    w.Key("sent");
    w.Int64(r.sent);
    w.Key("responses");
    w.Int64(r.responses);
    auto share = [&](int64_t n) -> std::optional<double> {
      if (r.responses == 0) return std::nullopt;
      return static_cast<double>(n) / static_cast<double>(r.responses);
    };
    key_ratio(w, "response_rate",
              r.sent ? std::optional<double>(static_cast<double>(r.responses) / static_cast<double>(r.sent))
                     : std::nullopt);
    key_ratio(w, "csat", r.kind == "csat" ? share(r.satisfied) : std::nullopt);
    std::optional<double> nps;
    if (r.kind == "nps" && r.responses)
      nps = 100.0 * static_cast<double>(r.promoters - r.detractors) / static_cast<double>(r.responses);
    key_ratio(w, "nps", nps);
    key_ratio(w, "ces", r.kind == "ces" ? share(r.score_sum) : std::nullopt);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return sb.GetString();
}

}  // namespace touchpoint::protocol
