// libFuzzer: what a customer sends a survey — a reply that may be a score, and the survey
// page's form. A score is always inside its kind's scale; everything the page shows back is
// escaped; the form parser answers or refuses.
#include <cstdlib>
#include <string>
#include <string_view>

#include "protocol/query_string.hpp"
#include "protocol/survey.hpp"
#include "protocol/survey_page.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace touchpoint::protocol;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  for (auto kind : {SurveyKind::csat, SurveyKind::nps, SurveyKind::ces}) {
    if (auto score = parse_survey_score(input, kind)) {
      auto scale = survey_scale(kind);
      if (*score < scale.min || *score > scale.max) std::abort();
    }
  }
  (void)survey_language_of(input);
  std::string comment = clip_comment(input);
  if (comment.size() > kMaxSurveyComment) std::abort();
  std::string escaped = html_escape(input);
  if (escaped.find_first_of("<>\"'") != std::string::npos) std::abort();
  (void)survey_form_page(SurveyKind::nps, "pl", 3, input, input);
  if (auto form = parse_form(input))
    for (const auto& [k, v] : *form) (void)parse_survey_score(v, SurveyKind::csat);
  return 0;
}
