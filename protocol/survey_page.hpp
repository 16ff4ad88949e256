#pragma once
// The survey page (/s/{token}): a small, accessible, mobile-friendly HTML form in the survey's
// language, and the pages that answer it. Everything shown is escaped; the only style is one
// fixed stylesheet, allowed by its hash, so the page runs under a CSP with no script at all.
// Pure.
#include <optional>
#include <string>
#include <string_view>

#include "protocol/survey.hpp"

namespace touchpoint::protocol {

// The form: one radio button per score (selected preselected), an optional comment, a button.
// error: shown above the form (an invalid score), in the survey's language.
std::string survey_form_page(SurveyKind kind, std::string_view language,
                             std::optional<int> selected, std::string_view comment,
                             std::string_view error = {});
// A page with one sentence: thanks, expired, not found.
std::string survey_message_page(std::string_view language, std::string_view title,
                                std::string_view text);
// The Content-Security-Policy every survey page is served with.
const std::string& survey_page_csp();

std::string html_escape(std::string_view text);

}  // namespace touchpoint::protocol
