#include "protocol/smtp_session.hpp"

#include <algorithm>

#include "protocol/ascii.hpp"

namespace touchpoint::protocol {
namespace {

constexpr std::size_t kMaxCommandLine = 510;  // 512 with the CRLF (RFC 5321 4.5.3.1.4)
constexpr std::size_t kMaxPath = 320;         // 64 local + @ + 255 domain

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// "FROM:" / "TO:" prefix of MAIL / RCPT, case-insensitive; the rest after it.
bool strip_keyword(std::string_view& arg, std::string_view keyword) {
  if (arg.size() < keyword.size() || ascii_upper(arg.substr(0, keyword.size())) != keyword) return false;
  arg.remove_prefix(keyword.size());
  return true;
}

std::string crlf(std::string_view text) { return std::string(text) + "\r\n"; }

}  // namespace

bool parse_path(std::string_view arg, std::string& address, std::vector<std::string>& params) {
  arg = trim(arg);
  std::string_view path, rest;
  if (!arg.empty() && arg.front() == '<') {
    auto close = arg.find('>');
    if (close == std::string_view::npos) return false;
    path = arg.substr(1, close - 1);
    rest = arg.substr(close + 1);
  } else {  // no brackets: the first word
    auto space = arg.find(' ');
    path = arg.substr(0, space);
    rest = space == std::string_view::npos ? std::string_view() : arg.substr(space);
  }
  // A source route (<@a,@b:user@c>) is to be ignored (RFC 5321 appendix C).
  if (!path.empty() && path.front() == '@') {
    auto colon = path.find(':');
    if (colon == std::string_view::npos) return false;
    path.remove_prefix(colon + 1);
  }
  if (path.size() > kMaxPath) return false;
  for (char c : path)
    if (c == ' ' || c == '<' || c == '>' || static_cast<unsigned char>(c) < 0x20) return false;
  if (!path.empty()) {
    auto at = path.rfind('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == path.size()) return false;
  }
  address = ascii_lower(path);
  params.clear();
  rest = trim(rest);
  while (!rest.empty()) {
    auto space = rest.find(' ');
    std::string_view word = rest.substr(0, space);
    auto eq = word.find('=');
    params.push_back(ascii_upper(word.substr(0, eq)) +
                     (eq == std::string_view::npos ? "" : std::string(word.substr(eq))));
    rest = space == std::string_view::npos ? std::string_view() : trim(rest.substr(space));
  }
  return true;
}

SmtpSession::SmtpSession(SmtpMode mode, std::string hostname, SmtpLimits limits,
                         RecipientCheck accepts)
    : mode_(mode), hostname_(std::move(hostname)), limits_(limits), accepts_(std::move(accepts)) {}

std::string SmtpSession::greeting() const {
  return crlf("220 " + hostname_ + (mode_ == SmtpMode::lmtp ? " LMTP" : " ESMTP") + " Touchpoint");
}

SmtpSession::Step SmtpSession::line(std::string_view text) {
  if (state_ == State::data) return data_line(text);
  return command(text);
}

SmtpSession::Step SmtpSession::error(std::string reply) {
  if (++errors_ >= limits_.max_errors)
    return {crlf("421 4.7.0 " + hostname_ + " too many errors, closing"), false, true};
  return {crlf(reply), false, false};
}

void SmtpSession::reset_transaction() {
  current_.mail_from.clear();
  current_.recipients.clear();
  current_.data.clear();
  oversized_ = false;
  if (state_ != State::greeted) state_ = State::ready;
}

SmtpSession::Step SmtpSession::command(std::string_view text) {
  if (++commands_ > limits_.max_commands)
    return {crlf("421 4.7.0 " + hostname_ + " too many commands, closing"), false, true};
  if (text.size() > kMaxCommandLine) return error("500 5.5.2 Line too long");
  text = trim(text);
  auto space = text.find(' ');
  std::string verb = ascii_upper(text.substr(0, space));
  std::string_view arg = space == std::string_view::npos ? std::string_view() : trim(text.substr(space));

  if (verb == "EHLO" || verb == "HELO" || verb == "LHLO") return hello(verb, arg);
  if (verb == "MAIL") return mail_from(arg);
  if (verb == "RCPT") return rcpt_to(arg);
  if (verb == "DATA") {
    if (state_ != State::mail || current_.recipients.empty())
      return error("503 5.5.1 Need MAIL and at least one accepted RCPT first");
    if (!arg.empty()) return error("501 5.5.4 DATA takes no parameters");
    state_ = State::data;
    return {crlf("354 End data with <CR><LF>.<CR><LF>"), false, false};
  }
  if (verb == "RSET") {
    reset_transaction();
    return {crlf("250 2.0.0 Ok"), false, false};
  }
  if (verb == "NOOP") return {crlf("250 2.0.0 Ok"), false, false};
  if (verb == "QUIT") return {crlf("221 2.0.0 " + hostname_ + " closing"), false, true};
  if (verb == "VRFY") return {crlf("252 2.5.0 Cannot verify, but will accept and attempt delivery"), false, false};
  if (verb == "HELP") return {crlf("214 2.0.0 See RFC 5321"), false, false};
  if (verb == "STARTTLS" || verb == "BDAT" || verb == "AUTH" || verb == "ETRN" || verb == "EXPN")
    return error("502 5.5.1 " + verb + " is not offered here");
  return error("500 5.5.2 Command not recognized");
}

SmtpSession::Step SmtpSession::hello(std::string_view verb, std::string_view arg) {
  bool lmtp = mode_ == SmtpMode::lmtp;
  if (lmtp != (verb == "LHLO"))
    return error(lmtp ? "500 5.5.1 This is LMTP: say LHLO" : "500 5.5.1 This is SMTP: say EHLO or HELO");
  if (arg.empty()) return error("501 5.5.4 " + std::string(verb) + " needs a domain");
  state_ = State::ready;
  reset_transaction();
  current_.helo = std::string(arg.substr(0, 255));
  if (verb == "HELO") return {crlf("250 " + hostname_), false, false};
  std::string r = "250-" + hostname_ + "\r\n";
  r += "250-PIPELINING\r\n";
  r += "250-SIZE " + std::to_string(limits_.max_message_bytes) + "\r\n";
  r += "250-8BITMIME\r\n";
  r += "250-SMTPUTF8\r\n";
  r += "250 ENHANCEDSTATUSCODES\r\n";
  return {r, false, false};
}

SmtpSession::Step SmtpSession::mail_from(std::string_view arg) {
  // SMTP clients that skip the greeting are taken as Postfix takes them; LMTP requires LHLO.
  if (state_ == State::greeted) {
    if (mode_ == SmtpMode::lmtp) return error("503 5.5.1 Say LHLO first");
    state_ = State::ready;
  }
  if (state_ != State::ready) return error("503 5.5.1 Nested MAIL command");
  if (!strip_keyword(arg, "FROM:")) return error("501 5.5.4 Syntax: MAIL FROM:<address>");
  std::string address;
  std::vector<std::string> params;
  if (!parse_path(arg, address, params)) return error("501 5.1.7 Bad sender address syntax");
  for (const auto& p : params) {
    if (p.rfind("SIZE=", 0) == 0) {
      std::string_view n(p);
      n.remove_prefix(5);
      bool digits = !n.empty() && n.size() < 19 &&
                    std::all_of(n.begin(), n.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (!digits) return error("501 5.5.4 SIZE needs a number");
      if (std::stoull(std::string(n)) > limits_.max_message_bytes)
        return error("552 5.3.4 Message size exceeds the limit of " +
                     std::to_string(limits_.max_message_bytes) + " bytes");
    } else if (p == "BODY=8BITMIME" || p == "BODY=7BIT" || p == "SMTPUTF8") {
      // accepted: we store bytes as they come
    } else {
      return error("555 5.5.4 Unsupported parameter " + p.substr(0, 40));
    }
  }
  current_.mail_from = std::move(address);
  state_ = State::mail;
  return {crlf("250 2.1.0 Ok"), false, false};
}

SmtpSession::Step SmtpSession::rcpt_to(std::string_view arg) {
  if (state_ != State::mail) return error("503 5.5.1 Need MAIL before RCPT");
  if (!strip_keyword(arg, "TO:")) return error("501 5.5.4 Syntax: RCPT TO:<address>");
  std::string address;
  std::vector<std::string> params;
  if (!parse_path(arg, address, params) || address.empty())
    return error("501 5.1.3 Bad recipient address syntax");
  if (current_.recipients.size() >= limits_.max_recipients)
    return {crlf("452 4.5.3 Too many recipients"), false, false};
  if (!accepts_(address)) return error("550 5.1.1 <" + address + ">: no such mailbox here");
  if (std::find(current_.recipients.begin(), current_.recipients.end(), address) ==
      current_.recipients.end())
    current_.recipients.push_back(address);
  return {crlf("250 2.1.5 Ok"), false, false};
}

SmtpSession::Step SmtpSession::data_line(std::string_view text) {
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  if (text == ".") {
    if (oversized_) {
      std::size_t n = current_.recipients.size();
      reset_transaction();
      std::string r = crlf("552 5.3.4 Message size exceeds the limit of " +
                           std::to_string(limits_.max_message_bytes) + " bytes");
      std::string all;
      for (std::size_t i = 0; i < (mode_ == SmtpMode::lmtp ? n : 1); ++i) all += r;
      return {all, false, false};
    }
    return {"", true, false};
  }
  if (!text.empty() && text.front() == '.') text.remove_prefix(1);  // dot-stuffing
  if (oversized_) return {};
  if (current_.data.size() + text.size() + 2 > limits_.max_message_bytes) {
    oversized_ = true;  // keep reading to the end, then refuse: the client is mid-stream
    current_.data.clear();
    current_.data.shrink_to_fit();
    return {};
  }
  current_.data.append(text);
  current_.data.append("\r\n");
  return {};
}

SmtpEnvelope SmtpSession::take_message() {
  SmtpEnvelope out = std::move(current_);
  last_recipients_ = out.recipients;
  current_ = SmtpEnvelope{};
  current_.helo = out.helo;
  oversized_ = false;
  commands_ = 0;  // the limit bounds a transaction's chatter, not a busy MTA's reuse
  state_ = State::ready;
  return out;
}

std::string SmtpSession::stored(StoreOutcome outcome, std::string_view queue_id) const {
  std::string one = outcome == StoreOutcome::stored
                        ? "250 2.0.0 Ok: stored as " + std::string(queue_id)
                        : "451 4.3.0 Cannot store the message now, try again later";
  if (mode_ == SmtpMode::smtp) return crlf(one);
  std::string all;  // LMTP: one reply per accepted recipient, in RCPT order
  for (const auto& r : last_recipients_)
    all += crlf(outcome == StoreOutcome::stored ? "250 2.0.0 <" + r + "> delivered as " + std::string(queue_id)
                                                : "451 4.3.0 <" + r + "> cannot store the message now");
  return all;
}

}  // namespace touchpoint::protocol
