// html_to_text with libxml2's forgiving HTML parser (it repairs what mail clients send).
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <cstring>
#include <string>

#include "protocol/email_parse.hpp"

namespace touchpoint::protocol {
namespace {

bool is(const xmlNode* n, const char* name) {
  return n->name && xmlStrcasecmp(n->name, reinterpret_cast<const xmlChar*>(name)) == 0;
}

bool block(const xmlNode* n) {
  for (const char* b : {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6",
                        "blockquote", "pre", "table", "ul", "ol", "hr", "section", "article",
                        "header", "footer"})
    if (is(n, b)) return true;
  return false;
}

void newline(std::string& out) {
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (!out.empty() && out.back() != '\n') out += '\n';
}

void walk(const xmlNode* n, std::string& out, bool pre) {
  for (; n; n = n->next) {
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      const char* text = reinterpret_cast<const char*>(n->content);
      if (!text) continue;
      if (pre) {
        out += text;
        continue;
      }
      for (const char* p = text; *p; ++p) {  // collapse white space as a browser would
        bool space = *p == ' ' || *p == '\n' || *p == '\r' || *p == '\t';
        if (space) {
          if (!out.empty() && out.back() != ' ' && out.back() != '\n') out += ' ';
        } else {
          out += *p;
        }
      }
      continue;
    }
    if (n->type != XML_ELEMENT_NODE) continue;
    if (is(n, "script") || is(n, "style") || is(n, "head") || is(n, "title")) continue;
    if (is(n, "br")) {
      while (!out.empty() && out.back() == ' ') out.pop_back();
      out += '\n';
      continue;
    }
    bool b = block(n);
    if (b) newline(out);
    if (is(n, "li")) out += "- ";
    walk(n->children, out, pre || is(n, "pre"));
    if (is(n, "a")) {  // keep where a link goes, unless its text already says it
      xmlChar* href = xmlGetProp(n, reinterpret_cast<const xmlChar*>("href"));
      if (href) {
        std::string target(reinterpret_cast<const char*>(href));
        xmlFree(href);
        if (target.rfind("http", 0) == 0 && out.find(target) == std::string::npos)
          out += " <" + target + ">";
      }
    }
    if (b) newline(out);
  }
}

}  // namespace

std::string html_to_text(std::string_view html) {
  if (html.empty()) return {};
  htmlDocPtr doc = htmlReadMemory(html.data(), static_cast<int>(std::min<std::size_t>(html.size(), INT32_MAX)),
                                  nullptr, "UTF-8",
                                  HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                      HTML_PARSE_NONET | HTML_PARSE_NOBLANKS);
  if (!doc) return {};
  std::string out;
  walk(xmlDocGetRootElement(doc), out, false);
  xmlFreeDoc(doc);
  // Trim, and never more than one empty line in a row.
  std::string tidy;
  int newlines = 0;
  for (char c : out) {
    if (c == '\n') {
      if (++newlines > 2) continue;
    } else {
      newlines = 0;
    }
    tidy += c;
  }
  while (!tidy.empty() && (tidy.back() == '\n' || tidy.back() == ' ')) tidy.pop_back();
  std::size_t start = tidy.find_first_not_of("\n ");
  return start == std::string::npos ? std::string() : tidy.substr(start);
}

}  // namespace touchpoint::protocol
