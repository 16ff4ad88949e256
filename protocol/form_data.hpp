#pragma once
// An HTML form as inbound-mail webhooks post it: application/x-www-form-urlencoded, or
// multipart/form-data (RFC 7578, read with GMime like any other MIME); and the
// multipart/form-data we post to providers' upload endpoints. Pure.
#include <string>
#include <string_view>
#include <vector>

#include "protocol/result.hpp"

namespace touchpoint::protocol {

struct FormField {
  std::string name;
  std::string value;          // the bytes as sent (a file's content)
  std::string filename;       // set for file fields
  std::string content_type;   // the part's declared type, "" when none
  bool is_file() const { return !filename.empty(); }
};

struct Form {
  std::vector<FormField> fields;  // in the order sent, repeats kept
  // The first field of that name, or nullptr.
  const FormField* find(std::string_view name) const;
  // The first field's value, "" when absent.
  std::string get(std::string_view name) const;
};

// content_type: the request's Content-Type header. bad_request for any other type, a
// multipart body without its boundary, or a malformed %-escape.
Result<Form> parse_form_body(std::string_view content_type, std::string_view body);

// A multipart/form-data body and the Content-Type naming its boundary.
struct FormBody {
  std::string content_type;
  std::string body;
};

// fields in order; a field with a filename is a file part with its content_type (or
// application/octet-stream). Names and filenames are escaped as browsers do (" CR LF as %22
// %0D %0A). The boundary is derived from the content and never occurs in it.
FormBody build_form_body(const std::vector<FormField>& fields);

}  // namespace touchpoint::protocol
