// libFuzzer: an SMTP or LMTP client saying anything, line by line. Every reply is complete
// CRLF-terminated lines with a three-digit code, and no message exceeds the size limit.
#include <cstdlib>
#include <string>
#include <string_view>

#include "protocol/smtp_session.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace touchpoint::protocol;
  if (size == 0) return 0;
  SmtpLimits limits;
  limits.max_message_bytes = 4096;
  SmtpSession s(data[0] % 2 ? SmtpMode::lmtp : SmtpMode::smtp, "fuzz.test", limits,
                [](std::string_view a) { return a.find("support") != std::string_view::npos; });
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  while (!in.empty()) {
    auto nl = in.find('\n');
    std::string_view line = in.substr(0, nl);
    in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
    auto step = s.line(line);
    std::string_view r = step.reply;
    while (!r.empty()) {
      auto end = r.find("\r\n");
      if (end == std::string_view::npos || end < 3) std::abort();
      if (r[0] < '2' || r[0] > '5' || r[1] < '0' || r[1] > '9' || r[2] < '0' || r[2] > '9')
        std::abort();
      r.remove_prefix(end + 2);
    }
    if (step.message_ready) {
      auto m = s.take_message();
      if (m.data.size() > limits.max_message_bytes || m.recipients.empty()) std::abort();
      s.stored(StoreOutcome::stored, "m1");
    }
    if (step.close) break;
  }
  return 0;
}
