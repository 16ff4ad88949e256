#pragma once
// The server side of one SMTP (RFC 5321) or LMTP (RFC 2033) conversation as a pure state
// machine: lines in, replies out. The listener in server/ owns the socket; it feeds every line,
// writes every reply, and when a message is complete stores it and asks for the final reply
// (250 only once the store said durable). Fuzzable: no I/O, no clock.
//
// Extensions: PIPELINING (replies come in command order; the listener may batch them), SIZE,
// 8BITMIME, SMTPUTF8, ENHANCEDSTATUSCODES. No STARTTLS: put the listener behind the MTA or on
// a private network.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace touchpoint::protocol {

enum class SmtpMode { smtp, lmtp };

struct SmtpLimits {
  std::size_t max_message_bytes = 25 * 1024 * 1024;  // advertised as SIZE
  std::size_t max_recipients = 100;                   // RFC 5321 asks for at least 100
  std::size_t max_commands = 1000;                    // between two messages (DATA lines not counted)
  std::size_t max_errors = 20;                        // bad commands before we hang up
};

// A complete message as the client handed it over.
struct SmtpEnvelope {
  std::string helo;                     // the name the client gave in HELO/EHLO/LHLO
  std::string mail_from;                // the reverse path; "" for <> (a bounce)
  std::vector<std::string> recipients;  // accepted RCPT TO addresses, lowercased, in order
  std::string data;                     // the message, dot-unstuffed, lines ending in CRLF
};

// What the store made of a message.
enum class StoreOutcome { stored, unavailable };

class SmtpSession {
 public:
  // accepts: whether an address (lowercased) is one we take mail for; 550 otherwise.
  using RecipientCheck = std::function<bool(std::string_view address)>;

  SmtpSession(SmtpMode mode, std::string hostname, SmtpLimits limits, RecipientCheck accepts);

  std::string greeting() const;

  struct Step {
    std::string reply;           // to write now; empty while a message's lines arrive
    bool message_ready = false;  // take_message(), store it, then write stored(...)
    bool close = false;          // hang up after writing reply
  };

  // One line, without its line ending. Command lines longer than 512 octets are refused;
  // message lines may be longer (mail in the wild is), the message size is what is bounded.
  Step line(std::string_view text);

  // The complete message after a Step with message_ready; the transaction is reset.
  SmtpEnvelope take_message();

  // The reply to the final "." once the store answered: SMTP one line, LMTP one per recipient.
  std::string stored(StoreOutcome outcome, std::string_view queue_id) const;

  bool in_data() const { return state_ == State::data; }

 private:
  enum class State { greeted, ready, mail, data };

  Step command(std::string_view text);
  Step hello(std::string_view verb, std::string_view arg);
  Step mail_from(std::string_view arg);
  Step rcpt_to(std::string_view arg);
  Step data_line(std::string_view text);
  Step error(std::string reply);
  void reset_transaction();

  SmtpMode mode_;
  std::string hostname_;
  SmtpLimits limits_;
  RecipientCheck accepts_;
  State state_ = State::greeted;
  std::size_t commands_ = 0, errors_ = 0;
  bool oversized_ = false;
  SmtpEnvelope current_;
  std::vector<std::string> last_recipients_;  // for LMTP's per-recipient replies
};

// An address from MAIL FROM / RCPT TO's argument: "<a@b>" with optional parameters after it.
// Lenient where senders are sloppy (a space after the colon, no angle brackets, a source
// route). Returns false on a syntax error. params receives "KEY=VALUE" words, uppercased keys.
bool parse_path(std::string_view arg, std::string& address, std::vector<std::string>& params);

}  // namespace touchpoint::protocol
