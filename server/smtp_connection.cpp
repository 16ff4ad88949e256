#include "server/smtp_connection.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <chrono>
#include <set>

#include "protocol/email_parse.hpp"
#include "server/ingest.hpp"

namespace touchpoint::server {
namespace {

constexpr auto kCommandTimeout = std::chrono::minutes(5);  // RFC 5321 4.5.3.2
constexpr std::size_t kMaxLine = 1 << 20;  // one line of a message; far beyond RFC, never unbounded

}  // namespace

SmtpConnection::SmtpConnection(tcp::socket&& socket, App& app, protocol::SmtpMode mode,
                               std::string hostname)
    : stream_(std::move(socket)),
      app_(app),
      mode_(mode),
      hostname_(std::move(hostname)),
      session_(mode, hostname_, protocol::SmtpLimits{},
               [this](std::string_view address) { return app_.email_routes.count(std::string(address)) > 0; }) {
  beast::error_code ec;
  auto peer = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_ip_ = peer.address().to_string();
}

void SmtpConnection::run() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    if (self->app_.draining.load()) {
      self->out_ = "421 4.3.2 " + self->hostname_ + " shutting down, try again later\r\n";
      return self->flush(true);
    }
    self->out_ = self->session_.greeting();
    self->flush(false);
  });
}

void SmtpConnection::read_more() {
  stream_.expires_after(kCommandTimeout);
  auto buffer = std::make_shared<std::array<char, 16384>>();
  stream_.async_read_some(net::buffer(*buffer), [self = shared_from_this(), buffer](
                                                    beast::error_code ec, std::size_t n) {
    if (ec) return;  // closed, reset or timed out: nothing was acknowledged, nothing is lost
    self->in_.append(buffer->data(), n);
    self->process();
  });
}

// Handles every complete line in in_. Replies collect in out_ and go out when the input runs
// dry (so a pipelining client gets them in one write), or before a message is stored.
void SmtpConnection::process() {
  std::size_t start = 0;
  while (true) {
    auto nl = in_.find('\n', start);
    if (nl == std::string::npos) break;
    std::string_view line(in_.data() + start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto step = session_.line(line);
    start = nl + 1;
    out_ += step.reply;
    if (step.close) {
      in_.clear();
      return flush(true);
    }
    if (step.message_ready) {
      in_.erase(0, start);
      return store(session_.take_message());
    }
  }
  in_.erase(0, start);
  if (in_.size() > kMaxLine) {
    out_ += "500 5.5.2 Line too long\r\n";
    in_.clear();
    return flush(true);
  }
  flush(false);
}

// Writes out_ (if anything), then closes or reads on.
void SmtpConnection::flush(bool close_after) {
  if (out_.empty()) {
    if (close_after) {
      beast::error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
      return;
    }
    return read_more();
  }
  writing_ = std::move(out_);
  out_.clear();
  stream_.expires_after(kCommandTimeout);
  net::async_write(stream_, net::buffer(writing_),
                   [self = shared_from_this(), close_after](beast::error_code ec, std::size_t) {
                     if (ec) return;
                     if (close_after) {
                       beast::error_code ignored;
                       self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
                       return;
                     }
                     // Lines that arrived with the last batch are handled before reading more.
                     if (self->in_.find('\n') != std::string::npos) return self->process();
                     self->read_more();
                   });
}

// Off the io threads: parses the mail and writes its files; then commits one contact per email channel it
// was addressed to, all in one transaction, and answers once the commit returned.
void SmtpConnection::store(protocol::SmtpEnvelope message) {
  if (app_.draining.load()) {
    on_stored(session_.stored(protocol::StoreOutcome::unavailable, ""));
    return;
  }
  ++app_.in_flight;  // a graceful stop waits for this answer
  auto work = std::make_shared<net::executor_work_guard<net::any_io_executor>>(stream_.get_executor());
  auto answer = [self = shared_from_this(), work](protocol::StoreOutcome outcome, std::string id) {
    net::post(self->stream_.get_executor(), [self, work, outcome, id = std::move(id)] {
      --self->app_.in_flight;
      self->on_stored(self->session_.stored(outcome, id));
    });
  };
  std::string trace = protocol::trace_headers(message.mail_from, message.helo, remote_ip_, hostname_,
                                              mode_ == protocol::SmtpMode::lmtp ? "LMTP" : "ESMTP",
                                              app_.now());
  std::set<std::string> channels;
  for (const auto& r : message.recipients)
    if (auto it = app_.email_routes.find(r); it != app_.email_routes.end()) channels.insert(it->second);
  app_.blocking([&app = app_, answer, trace = std::move(trace), channels = std::move(channels),
                 message = std::move(message)]() mutable {
    auto parsed = protocol::parse_email(message.data, message.mail_from);
    std::string raw = trace + message.data;
    std::vector<InboundContact> contacts;
    for (const auto& name : channels) {
      contacts.push_back(protocol::email_contact(name, parsed, raw, trace.size()));
      protocol::flag_own_mail(contacts.back(), app.email_routes);
    }
    if (auto written = write_files_ahead(app, contacts); !written) {
      spdlog::warn("smtp: cannot keep a message: {}", written.error().message);
      return answer(protocol::StoreOutcome::unavailable, "");
    }
    bool queued = app.writer.submit<std::vector<Recorded>>(
        [contacts = std::move(contacts)](storage::TicketStore& s) -> Result<std::vector<Recorded>> {
          std::vector<Recorded> out;
          for (const auto& c : contacts) {
            auto r = s.record_inbound(c);
            if (!r) return r.error();
            out.push_back(r.value());
          }
          return out;
        },
        [&app, answer](Result<std::vector<Recorded>> r) {
          if (!r) {
            spdlog::warn("smtp: could not store a message: {}", r.error().message);
            return answer(protocol::StoreOutcome::unavailable, "");
          }
          std::string id;
          for (const Recorded& rec : *r) {
            if (id.empty()) id = "m" + std::to_string(rec.message_id);
            announce_inbound(app, "email", rec);  // a redelivery after a lost 250 pushes nothing
          }
          answer(protocol::StoreOutcome::stored, id);
        });
    if (!queued) {
      app.metrics.overloaded();
      answer(protocol::StoreOutcome::unavailable, "");
    }
  });
}

void SmtpConnection::on_stored(std::string reply) {
  out_ += reply;
  flush(false);
}

}  // namespace touchpoint::server
