#include "protocol/survey_page.hpp"

#include "protocol/base64.hpp"
#include "protocol/signature.hpp"

namespace touchpoint::protocol {
namespace {

constexpr std::string_view kStyle =
    "body{font:16px/1.5 system-ui,sans-serif;margin:0;padding:1rem;color:#1a1a1a;background:#f6f7f9}"
    "main{max-width:32rem;margin:2rem auto;background:#fff;padding:1.5rem;border-radius:8px;"
    "box-shadow:0 1px 3px rgba(0,0,0,.12)}"
    "h1{font-size:1.25rem;margin:0 0 1rem}fieldset{border:0;padding:0;margin:0 0 1rem}"
    "legend{font-weight:600;margin-bottom:.5rem}"
    ".scale{display:flex;flex-wrap:wrap;gap:.4rem}"
    ".scale label{display:flex;flex-direction:column;align-items:center;min-width:2.6rem;"
    "padding:.4rem;border:1px solid #8a8f98;border-radius:6px;cursor:pointer}"
    ".scale input{margin:0 0 .2rem}"
    ".ends{display:flex;justify-content:space-between;font-size:.85rem;color:#4a4f57;margin-top:.3rem}"
    "label.comment{display:block;margin:1rem 0 .3rem}"
    "textarea{width:100%;box-sizing:border-box;min-height:6rem;font:inherit;padding:.5rem}"
    "button{margin-top:1rem;font:inherit;padding:.6rem 1.4rem;border:0;border-radius:6px;"
    "background:#1d4ed8;color:#fff;cursor:pointer}button:focus,input:focus,textarea:focus"
    "{outline:3px solid #f59e0b;outline-offset:2px}"
    ".error{color:#b91c1c;font-weight:600}.note{font-size:.85rem;color:#4a4f57}";

std::string head(std::string_view language, std::string_view title) {
  return "<!doctype html><html lang=\"" + html_escape(language) +
         "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
         "content=\"width=device-width,initial-scale=1\"><meta name=\"robots\" content=\"noindex\">"
         "<title>" + html_escape(title) + "</title><style>" + std::string(kStyle) +
         "</style></head><body><main>";
}

constexpr std::string_view kTail = "</main></body></html>";

std::string hex_to_bytes(std::string_view hex) {
  std::string out;
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(nibble(hex[i]) * 16 + nibble(hex[i + 1])));
  return out;
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

const std::string& survey_page_csp() {
  static const std::string csp =
      "default-src 'none'; style-src 'sha256-" + base64_encode(hex_to_bytes(sha256_hex(kStyle))) +
      "'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
  return csp;
}

std::string survey_form_page(SurveyKind kind, std::string_view language, std::optional<int> selected,
                             std::string_view comment, std::string_view error) {
  SurveyTexts t = survey_texts(kind, language);
  SurveyScale scale = survey_scale(kind);
  std::string html = head(language, t.page_title);
  html += "<h1>" + html_escape(t.page_title) + "</h1>";
  if (!error.empty()) html += "<p class=\"error\" role=\"alert\">" + html_escape(error) + "</p>";
  html += "<form method=\"post\"><fieldset><legend>" + html_escape(t.question) +
          "</legend><div class=\"scale\">";
  for (int n = scale.min; n <= scale.max; ++n) {
    std::string v = std::to_string(n);
    html += "<label><input type=\"radio\" name=\"score\" value=\"" + v + "\" required";
    if (selected && *selected == n) html += " checked";
    html += ">" + v + "</label>";
  }
  html += "</div><div class=\"ends\" aria-hidden=\"true\"><span>" + std::to_string(scale.min) + " = " +
          html_escape(t.low) + "</span><span>" + std::to_string(scale.max) + " = " +
          html_escape(t.high) + "</span></div></fieldset>";
  html += "<label class=\"comment\" for=\"comment\">" + html_escape(t.comment_label) +
          "</label><textarea id=\"comment\" name=\"comment\" maxlength=\"" +
          std::to_string(kMaxSurveyComment) + "\">" + html_escape(comment) + "</textarea>";
  html += "<button type=\"submit\">" + html_escape(t.submit) + "</button>";
  html += "<p class=\"note\">" + html_escape(t.change_note) + "</p></form>";
  return html + std::string(kTail);
}

std::string survey_message_page(std::string_view language, std::string_view title,
                                std::string_view text) {
  return head(language, title) + "<h1>" + html_escape(title) + "</h1><p>" + html_escape(text) +
         "</p>" + std::string(kTail);
}

}  // namespace touchpoint::protocol
