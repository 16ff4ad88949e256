#include "server/survey_routes.hpp"

#include "protocol/query_string.hpp"
#include "protocol/reply_rules.hpp"
#include "protocol/survey_page.hpp"

namespace touchpoint::server {
namespace {

HttpResponse page(int status, std::string html) {
  HttpResponse r{status, "text/html; charset=utf-8", std::move(html), {}};
  r.headers.emplace_back("Content-Security-Policy", protocol::survey_page_csp());
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  return r;
}

std::string default_language(const App& app) {
  return app.config.survey ? app.config.survey->language : "en";
}

HttpResponse message(int status, const std::string& language, const std::string& text) {
  auto t = protocol::survey_texts(protocol::SurveyKind::csat, language);
  return page(status, protocol::survey_message_page(language, t.page_title, text));
}

HttpResponse not_found(const std::string& language) {
  return message(404, language,
                 protocol::survey_texts(protocol::SurveyKind::csat, language).not_found_page);
}

HttpResponse unavailable(const std::string& language) {
  return message(503, language, protocol::survey_texts(protocol::SurveyKind::csat, language).unavailable);
}

// Reads the survey behind token and hands it, open, to then; an unknown token, an expired
// survey, or a store that cannot answer gets its page here.
template <class Then>
void with_open_survey(App& app, const std::string& token, const Respond& respond, Then then) {
  std::string fallback = default_language(app);
  bool queued = app.readers.submit<storage::SurveyPageState>(
      [token, now = app.now()](storage::TicketReader& r) { return r.survey_page(token, now); },
      [respond, fallback, then](Result<storage::SurveyPageState> r) {
        if (!r) return respond(r.error().code == Errc::not_found ? not_found(fallback) : unavailable(fallback));
        const storage::SurveyPageState& s = r.value();
        auto t = protocol::survey_texts(s.kind, s.language);
        if (s.expired) return respond(message(410, s.language, t.expired_page));
        then(s, t);
      });
  if (!queued) respond(unavailable(fallback));
}

// Tokens are 40 lowercase hex digits: anything else is not worth a read.
bool plausible(std::string_view token) {
  return token.size() == 40 && token.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// A whole integer, optionally signed, nothing else.
std::optional<int> integer(std::string_view s) {
  bool negative = !s.empty() && s.front() == '-';
  if (negative) s.remove_prefix(1);
  if (s.empty() || s.size() > 3 || s.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  int n = 0;
  for (char c : s) n = n * 10 + (c - '0');
  return negative ? -n : n;
}

void show(App& app, const HttpRequest& req, const std::string& token, const Respond& respond) {
  std::optional<int> preselect;
  if (auto q = protocol::parse_query_string(req.target))
    if (auto it = q->find("score"); it != q->end()) preselect = integer(it->second);
  with_open_survey(app, token, respond, [respond, preselect](const storage::SurveyPageState& s,
                                                              const protocol::SurveyTexts&) {
    auto scale = protocol::survey_scale(s.kind);
    std::optional<int> selected = s.score;
    if (preselect && *preselect >= scale.min && *preselect <= scale.max) selected = preselect;
    respond(page(200, protocol::survey_form_page(s.kind, s.language, selected, s.comment)));
  });
}

void record(App& app, const HttpRequest& req, const std::string& token, const Respond& respond) {
  auto form = protocol::parse_form(req.body);
  std::optional<int> score;
  std::string comment;
  bool score_given = false;
  if (form) {
    for (const auto& [k, v] : *form) {
      if (k == "score") {
        score_given = true;
        score = integer(v);
      } else if (k == "comment") {
        comment = v;
      }
    }
  }
  // What the customer sent wrong is said on the form, in the survey's language: read the
  // survey first (its kind and language), then answer or record.
  with_open_survey(app, token, respond, [&app, respond, token, score, score_given, comment,
                                         well_formed = form.has_value()](const storage::SurveyPageState& s,
                                                                         const protocol::SurveyTexts& t) {
    auto scale = protocol::survey_scale(s.kind);
    if (!well_formed || !score_given || !score || *score < scale.min || *score > scale.max)
      return respond(page(400, protocol::survey_form_page(s.kind, s.language, std::nullopt, comment,
                                                          t.invalid_score)));
    if (protocol::count_characters(comment) > protocol::kMaxSurveyComment)
      return respond(page(400, protocol::survey_form_page(s.kind, s.language, score, comment,
                                                          t.comment_too_long)));
    bool queued = app.writer.submit<storage::SurveyAnswer>(
        [token, score = *score, comment](storage::TicketStore& store) {
          return store.answer_survey(token, score, comment);
        },
        [respond, s, t](Result<storage::SurveyAnswer> a) {
          if (a) return respond(message(200, s.language, t.thanks_page));
          switch (a.error().code) {
            case Errc::not_found: return respond(not_found(s.language));
            case Errc::conflict: return respond(message(410, s.language, t.expired_page));
            case Errc::bad_request:
              return respond(page(400, protocol::survey_form_page(s.kind, s.language, std::nullopt, "",
                                                                  t.invalid_score)));
            default: return respond(unavailable(s.language));
          }
        });
    if (!queued) respond(unavailable(s.language));
  });
}

}  // namespace

void survey_page(App& app, const HttpRequest& req, std::string_view token, const Respond& respond) {
  std::string language = default_language(app);
  if (!plausible(token)) return respond(not_found(language));
  if (req.method == "GET" || req.method == "HEAD") return show(app, req, std::string(token), respond);
  if (req.method == "POST") return record(app, req, std::string(token), respond);
  HttpResponse r = message(405, language, "Method not allowed");
  r.headers.emplace_back("Allow", "GET, POST");
  respond(std::move(r));
}

}  // namespace touchpoint::server
