// libFuzzer: what Mailgun and SendGrid post. The first line is the Content-Type, the rest the
// body. Whatever the bytes, the form parser answers or refuses, and a form that parses gives
// either a refusal or a contact with an idempotency key, from either provider's reader. And
// what we post to providers' uploads: any bytes as a file part read back unchanged.
#include <cstdlib>
#include <string>
#include <string_view>

#include "protocol/form_data.hpp"
#include "protocol/mailgun_inbound.hpp"
#include "protocol/sendgrid_inbound.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace touchpoint::protocol;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // Our own multipart, with the input as a file's bytes (the file part is written as is).
  auto built = build_form_body({{"chat_id", "42", {}, {}}, {"document", std::string(input), "f.bin", "application/pdf"}});
  auto back = parse_form_body(built.content_type, built.body);
  if (!back || back->get("chat_id") != "42" || back->get("document") != input) std::abort();
  auto eol = input.find('\n');
  if (eol == std::string_view::npos) return 0;
  auto form = parse_form_body(input.substr(0, eol), input.substr(eol + 1));
  if (!form) return 0;
  (void)check_mailgun_signature("key", *form, 1529006854);
  for (const auto& contact : {parse_mailgun_inbound("support", *form), parse_sendgrid_inbound("support", *form)})
    if (contact && (contact->external_id.empty() || !contact->email)) std::abort();
  return 0;
}
