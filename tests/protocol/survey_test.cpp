// Surveys, the pure part: scores read out of replies, the rules that decide, the texts, the
// JSON and the page.
#include "protocol/survey.hpp"

#include <gtest/gtest.h>

#include "protocol/survey_page.hpp"

namespace touchpoint::protocol {
namespace {

TEST(SurveyScore, ReadsAWholeReplyAsAScoreInAnyBuiltInLanguage) {
  struct Case {
    const char* text;
    SurveyKind kind;
    std::optional<int> score;
  };
  const Case cases[] = {
      {"9", SurveyKind::nps, 9},
      {" 9/10 ", SurveyKind::nps, 9},
      {"9 / 10", SurveyKind::nps, 9},
      {"9 out of 10", SurveyKind::nps, 9},
      {"nine", SurveyKind::nps, 9},
      {"Nine!", SurveyKind::nps, 9},
      {"nove", SurveyKind::nps, 9},
      {"nueve", SurveyKind::nps, 9},
      {"dziewięć", SurveyKind::nps, 9},
      {"DZIEWIĘĆ", SurveyKind::nps, 9},
      {"dziewiec", SurveyKind::nps, 9},
      {"0", SurveyKind::nps, 0},
      {"cero", SurveyKind::nps, 0},
      {"10", SurveyKind::nps, 10},
      {"5", SurveyKind::csat, 5},
      {"4/5", SurveyKind::csat, 4},
      {"quattro su 5", SurveyKind::csat, 4},
      {"7", SurveyKind::ces, 7},
      // Not scores: out of range, another scale, more words, nothing.
      {"6", SurveyKind::csat, std::nullopt},
      {"0", SurveyKind::csat, std::nullopt},
      {"11", SurveyKind::nps, std::nullopt},
      {"9/10", SurveyKind::csat, std::nullopt},
      {"4/10", SurveyKind::csat, std::nullopt},
      {"5 stars but slow", SurveyKind::csat, std::nullopt},
      {"I still need help", SurveyKind::csat, std::nullopt},
      {"", SurveyKind::csat, std::nullopt},
      {"-1", SurveyKind::nps, std::nullopt},
      {"4.5", SurveyKind::csat, std::nullopt},
      {"100", SurveyKind::nps, std::nullopt},
  };
  for (const auto& c : cases)
    EXPECT_EQ(parse_survey_score(c.text, c.kind), c.score) << "\"" << c.text << "\"";
}

SurveyFacts solved_api() {
  SurveyFacts f;
  f.ticket_status = "solved";
  f.channel_type = "api";
  f.customer_spoke = true;
  return f;
}

TEST(SurveyDecision, FollowsTheContractsRulesInOrder) {
  SurveySettings s;
  int64_t now = 1795341600;
  EXPECT_TRUE(decide_survey(solved_api(), s, now).send);

  auto f = solved_api();
  f.ticket_status = "open";
  EXPECT_EQ(decide_survey(f, s, now).reason, "reopened");
  f = solved_api();
  f.last_survey_sent_at = now - 29 * 86400;
  EXPECT_EQ(decide_survey(f, s, now).reason, "cooldown");
  f.last_survey_sent_at = now - 31 * 86400;
  EXPECT_TRUE(decide_survey(f, s, now).send);
  f = solved_api();
  f.other_open_ticket = true;
  EXPECT_EQ(decide_survey(f, s, now).reason, "open_ticket");
  f = solved_api();
  f.customer_spoke = false;
  EXPECT_EQ(decide_survey(f, s, now).reason, "automatic");
  f = solved_api();
  f.channel_type = "email";
  EXPECT_EQ(decide_survey(f, s, now).reason, "unreachable");
  f.has_email_address = true;
  EXPECT_TRUE(decide_survey(f, s, now).send);
  f.channel_type = "webchat";
  EXPECT_EQ(decide_survey(f, s, now).reason, "unreachable");
}

TEST(SurveyDecision, WhatsAppOutsideTheWindowNeedsTheSurveyTemplate) {
  SurveySettings s;
  int64_t now = 1795341600;
  auto f = solved_api();
  f.channel_type = "whatsapp";
  f.thread = "393331234567";
  f.last_inbound_at = now - 3600;
  auto d = decide_survey(f, s, now);
  EXPECT_TRUE(d.send);
  EXPECT_FALSE(d.use_template);
  f.last_inbound_at = now - 25 * 3600;
  EXPECT_EQ(decide_survey(f, s, now).reason, "unreachable");
  f.has_template = true;
  d = decide_survey(f, s, now);
  EXPECT_TRUE(d.send);
  EXPECT_TRUE(d.use_template);
  // Messenger has no template to open it: outside the window, no survey.
  f.channel_type = "messenger";
  EXPECT_EQ(decide_survey(f, s, now).reason, "unreachable");
}

TEST(SurveyTexts, EveryLanguageHasTheQuestionAndTheScale) {
  for (const char* language : {"en", "it", "es", "pl"}) {
    for (auto kind : {SurveyKind::csat, SurveyKind::nps, SurveyKind::ces}) {
      auto t = survey_texts(kind, language);
      auto scale = survey_scale(kind);
      EXPECT_FALSE(t.question.empty());
      EXPECT_NE(t.hint.find(std::to_string(scale.max)), std::string::npos) << language << " " << t.hint;
      EXPECT_EQ(t.hint.find('{'), std::string::npos) << t.hint;
      EXPECT_FALSE(t.reason.empty());
    }
  }
  EXPECT_EQ(survey_texts(SurveyKind::csat, "it").thanks, "Grazie per il tuo riscontro.");
  EXPECT_EQ(survey_language_of("it-IT"), "it");
  EXPECT_EQ(survey_language_of("es_419"), "es");
  EXPECT_EQ(survey_language_of("de"), std::nullopt);
  std::string mail = survey_email_body(SurveyKind::csat, "en", "https://h.example/s/abc");
  EXPECT_NE(mail.find("5 (very satisfied): https://h.example/s/abc?score=5"), std::string::npos) << mail;
  EXPECT_NE(mail.find("1 (very dissatisfied): https://h.example/s/abc?score=1"), std::string::npos) << mail;
}

TEST(SurveyJson, ASentSurveyPastItsExpiryReadsExpired) {
  SurveyView v;
  v.id = 3;
  v.kind = "nps";
  v.channel = "email";
  v.status = "sent";
  v.sent_at = 100;
  v.expires_at = 200;
  EXPECT_NE(encode_survey(v, 199).find("\"status\":\"sent\""), std::string::npos);
  std::string json = encode_survey(v, 200);
  EXPECT_NE(json.find("\"status\":\"expired\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"score\":null"), std::string::npos) << json;
}

TEST(SurveyJson, SatisfactionFiguresPerKind) {
  SatisfactionFigures nps{.key = "email", .label = "", .kind = "nps", .sent = 10, .responses = 4,
                          .satisfied = 0, .promoters = 2, .detractors = 1, .score_sum = 30};
  SatisfactionFigures ces{.key = "api", .label = "", .kind = "ces", .sent = 2, .responses = 2,
                          .satisfied = 0, .promoters = 0, .detractors = 0, .score_sum = 11};
  std::string json = encode_satisfaction({nps, ces});
  EXPECT_NE(json.find("\"kind\":\"nps\",\"sent\":10,\"responses\":4,\"response_rate\":0.4,"
                      "\"csat\":null,\"nps\":25.0,\"ces\":null"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"ces\":5.5"), std::string::npos) << json;
}

TEST(SurveyPage, EscapesWhatItShowsAndAllowsOnlyItsOwnStyle) {
  std::string html = survey_form_page(SurveyKind::csat, "en", 4, "<script>alert(1)</script>",
                                      "Please choose");
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("value=\"4\" required checked"), std::string::npos);
  EXPECT_NE(html.find("lang=\"en\""), std::string::npos);
  EXPECT_NE(html.find("<legend>"), std::string::npos);
  EXPECT_NE(html.find("role=\"alert\""), std::string::npos);
  const std::string& csp = survey_page_csp();
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(csp.find("style-src 'sha256-"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe"), std::string::npos);
  EXPECT_EQ(csp.find("script-src"), std::string::npos);
}

TEST(SurveySendOptions, NameTheSurveyTheStepAndTheOpeningTemplate) {
  EXPECT_EQ(survey_send_options(7, "question", nullptr), "{\"survey\":{\"id\":7,\"step\":\"question\"}}");
  ReplyTemplate t{"feedback", "en_US", "How did we do?", ""};
  EXPECT_EQ(survey_send_options(7, "question", &t),
            "{\"survey\":{\"id\":7,\"step\":\"question\"},\"template\":{\"name\":\"feedback\","
            "\"language\":\"en_US\"}}");
  EXPECT_EQ(clip_comment(std::string(4999, 'a') + "\xC3\xA9").size(), 4999u);
}

}  // namespace
}  // namespace touchpoint::protocol
