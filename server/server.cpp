#include "server/server.hpp"

#include "protocol/webchat.hpp"

#include <spdlog/spdlog.h>

#include <thread>

#include "protocol/live_events.hpp"
#include "protocol/routing.hpp"
#include "protocol/url.hpp"
#include "server/app.hpp"
#include "server/http_session.hpp"
#include "server/imap_poller.hpp"
#include "server/listener.hpp"
#include "server/media_fetcher.hpp"
#include "server/outbox_dispatcher.hpp"
#include "server/secret.hpp"
#include "server/commit_notices.hpp"
#include "server/deadline_timer.hpp"
#include "server/stats_pusher.hpp"
#include "server/viewing.hpp"
#include "server/net.hpp"
#include "server/smtp_connection.hpp"

namespace touchpoint::server {
namespace {
constexpr auto kDrainPoll = std::chrono::milliseconds(5);
constexpr auto kDrainDeadline = std::chrono::seconds(20);
constexpr std::size_t kShedPerExhaustion = 16;

// Binds one listener (http, smtp, lmtp) on HOST:PORT; errors name the listener and address.
Result<std::shared_ptr<Listener>> listen(net::io_context& ioc, const std::string& name,
                                         const std::string& where, Listener::OnAccept on_accept) {
  auto hp = parse_host_port(where);
  if (!hp) return hp.error();
  beast::error_code ec;
  auto address = net::ip::make_address(hp->host == "localhost" ? "127.0.0.1" : hp->host, ec);
  if (ec) return Error{Errc::bad_request, name + ": '" + hp->host + "' is not an IP address"};
  try {
    return std::make_shared<Listener>(ioc, tcp::endpoint(address, hp->port), std::move(on_accept));
  } catch (const boost::system::system_error& e) {
    return Error{Errc::unavailable, "cannot listen for " + name + " on " + where + ": " + e.code().message()};
  }
}
}  // namespace

Status probe_listeners(const Config& config) {
  net::io_context ioc;
  std::vector<std::pair<std::string, std::string>> wanted = {{"http", config.http}};
  bool mail = !config.email_routes().empty();  // as start() decides
  if (mail) wanted.emplace_back("smtp", config.smtp);
  if (mail && config.lmtp) wanted.emplace_back("lmtp", *config.lmtp);
  for (const auto& [name, where] : wanted)
    if (auto l = listen(ioc, name, where, [](tcp::socket&&) {}); !l) return l.error();
  return ok();  // the listeners close here; start() binds them again moments later
}

// Declaration order is destruction order reversed: the io_context (and every session) dies
// before App and the writer they reference.
struct Server::Impl {
  Impl(Config config, storage::TicketStore store, std::unique_ptr<storage::ReaderPool> pool)
      : writer(std::move(store),
               storage::StoreWriter::Options{.min_free_bytes = config.min_free_disk_mb << 20}),
        readers(std::move(pool)),
        app(std::move(config), writer, *readers),
        signals(ioc) {}

  storage::StoreWriter writer;
  std::unique_ptr<storage::ReaderPool> readers;
  App app;
  net::io_context ioc;
  net::signal_set signals;
  std::shared_ptr<Listener> http;
  std::shared_ptr<Listener> smtp, lmtp;  // only with email channels
  std::unique_ptr<OutboxDispatcher> outbox;  // after ioc: destroyed before it
  std::unique_ptr<MediaFetcher> media;       // likewise
  std::unique_ptr<DeadlineTimer> sla;        // likewise
  std::unique_ptr<DeadlineTimer> surveys;    // likewise
  std::unique_ptr<StatsPusher> stats;        // likewise
  std::unique_ptr<Viewing> viewing;          // likewise
  std::vector<std::unique_ptr<ImapPoller>> imap;  // joined in wait(), before the store stops
  std::vector<std::thread> threads;
  // Blocking work (mail parsing, attachment fsyncs): several at once, so the filesystem's
  // journal commits their fsyncs together, and never on an io thread or the writer.
  net::thread_pool blocking{4};
  std::atomic<bool> stopping{false};
  std::unique_ptr<net::steady_timer> drain_timer;
  std::chrono::steady_clock::time_point drain_deadline;

  void begin_stop() {
    if (stopping.exchange(true)) return;
    net::post(ioc, [this] {
      spdlog::info("stopping: no new connections, finishing in-flight requests");
      app.draining = true;
      signals.cancel();
      outbox->stop();
      media->stop();
      sla->stop();
      surveys->stop();
      stats->stop();
      viewing->stop();
      for (auto& poller : imap) poller->stop();
      drain_deadline = std::chrono::steady_clock::now() + kDrainDeadline;
      drain_timer = std::make_unique<net::steady_timer>(ioc);
      for (auto* mail : {&smtp, &lmtp})
        if (*mail) (*mail)->stop([] {});
      http->stop([this] { poll_drained(); });
    });
  }

  // Polls rather than counts down: a request answered from the storage thread may still be
  // on its way back to its strand.
  void poll_drained() {
    if (app.in_flight.load() == 0 || std::chrono::steady_clock::now() > drain_deadline) {
      if (app.in_flight.load() != 0)
        spdlog::warn("stopping with {} requests unanswered", app.in_flight.load());
      ioc.stop();
      return;
    }
    drain_timer->expires_after(kDrainPoll);
    drain_timer->async_wait([this](beast::error_code) { poll_drained(); });
  }
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Result<std::unique_ptr<Server>> Server::start(Config config, storage::TicketStore store,
                                              bool stop_on_signals) {
  auto pool = storage::ReaderPool::open(store.data_dir(), {.sla = config.sla, .now = store.clock()});
  if (!pool) return pool.error();
  int threads = config.io_threads;
  storage::Clock clock = store.clock();
  std::string data_dir = store.data_dir();
  auto secret = load_or_create_secret(data_dir);  // beside the store it belongs to
  if (!secret) return secret.error();
  // The SLA clocks' and surveys' notices come from the writer thread once their commit
  // returned; they are published once the server exists (set below, before anything is written).
  CommitSink<storage::SlaCommitted> sla_notices;
  CommitSink<storage::SurveyCommitted> survey_notices;
  store.use_sla(config.sla, sla_notices.sink());
  if (config.survey) {
    config.survey->public_url = config.public_url;
    while (!config.survey->public_url.empty() && config.survey->public_url.back() == '/')
      config.survey->public_url.pop_back();
  }
  store.use_surveys(config.survey, survey_notices.sink());
  // Automatic assignment reads who is available on the writer thread; the presence it reads
  // lives in App, which exists once the server does (until then: nobody).
  auto presence = std::make_shared<std::atomic<const Presence*>>(nullptr);
  CommitSink<std::vector<int64_t>> assigned;
  store.use_routing(
      config.routing,
      [presence] {
        const Presence* p = presence->load();
        return p ? p->available() : std::vector<int64_t>{};
      },
      assigned.sink());
  if (auto adopted = store.adopt_sla_policies(); !adopted) {
    return adopted.error();
  } else if (adopted.value() > 0) {
    spdlog::info("sla: policies changed, {} clocks computed again", adopted.value());
  }
  std::unique_ptr<Server> server(new Server(
      std::make_unique<Impl>(std::move(config), std::move(store), std::move(pool).value())));
  Impl& s = *server->impl_;
  s.app.now = std::move(clock);
  s.app.secret = std::move(secret).value();
  s.app.data_dir = data_dir;
  s.app.blocking = [&s](std::function<void()> f) { net::post(s.blocking, std::move(f)); };
  auto http = listen(s.ioc, "http", s.app.config.http, [&s](tcp::socket&& socket) {
    std::make_shared<HttpSession>(std::move(socket), s.app)->run();
  });
  if (!http) return http.error();
  s.http = http.value();
  if (!s.app.email_routes.empty()) {  // without a support address every RCPT would be refused
    auto url = protocol::parse_url(s.app.config.public_url);
    std::string host = url ? url->host : "localhost";
    auto mail = [&s, host](protocol::SmtpMode mode) {
      return [&s, host, mode](tcp::socket&& socket) {
        std::make_shared<SmtpConnection>(std::move(socket), s.app, mode, host)->run();
      };
    };
    auto smtp = listen(s.ioc, "smtp", s.app.config.smtp, mail(protocol::SmtpMode::smtp));
    if (!smtp) return smtp.error();
    s.smtp = smtp.value();
    if (s.app.config.lmtp) {
      auto lmtp = listen(s.ioc, "lmtp", *s.app.config.lmtp, mail(protocol::SmtpMode::lmtp));
      if (!lmtp) return lmtp.error();
      s.lmtp = lmtp.value();
    }
  }
  if (stop_on_signals) {
    s.signals.add(SIGTERM);
    s.signals.add(SIGINT);
    s.signals.async_wait([&s](beast::error_code signal_ec, int signo) {
      if (signal_ec) return;
      spdlog::info("received signal {}", signo);
      s.begin_stop();
    });
  }
  s.outbox = std::make_unique<OutboxDispatcher>(
      s.ioc, s.app,
      OutboxDispatcher::Options{
          .poll = std::chrono::milliseconds(s.app.config.outbox_poll_ms),
          .backoff_base_seconds = s.app.config.outbox_retry_base_seconds});
  s.app.nudge_outbox = [&s] { s.outbox->nudge(); };
  s.outbox->start();
  s.media = std::make_unique<MediaFetcher>(
      s.ioc, s.app,
      MediaFetcher::Options{.poll = std::chrono::milliseconds(s.app.config.outbox_poll_ms),
                            .backoff_base_seconds = s.app.config.outbox_retry_base_seconds});
  s.app.nudge_media = [&s] { s.media->nudge(); };
  s.media->start();
  constexpr std::size_t kPerRun = 1000;  // due rows done per writer job; more run right after
  s.sla = std::make_unique<DeadlineTimer>(s.ioc, s.app, "sla", [](storage::TicketStore& st) {
    return st.run_sla_deadlines(kPerRun);
  });
  s.surveys = std::make_unique<DeadlineTimer>(s.ioc, s.app, "surveys", [](storage::TicketStore& st) {
    return st.run_due_surveys(kPerRun);
  });
  sla_notices.deliver_to([&s](storage::SlaCommitted c) { announce_sla(s.app, s.sla.get(), std::move(c)); });
  survey_notices.deliver_to(
      [&s](storage::SurveyCommitted c) { announce_surveys(s.app, s.surveys.get(), std::move(c)); });
  s.sla->start();
  s.surveys->start();
  assigned.deliver_to([&s](std::vector<int64_t> tickets) {
    for (int64_t id : tickets) s.app.hub.publish("ticket.updated", protocol::live_ticket(id));
  });
  s.app.presence.on_change([&s](int64_t agent, Presence::Status, Presence::Status now) {
    s.app.hub.publish("agent.presence", protocol::encode_presence(agent, Presence::name(now)));
    if (now == Presence::Status::online && s.app.config.routing.mode != protocol::RoutingMode::manual)
      s.app.writer.submit<int64_t>([](storage::TicketStore& st) { return st.assign_waiting(); },
                                   [](Result<int64_t>) {});
  });
  presence->store(&s.app.presence);
  s.viewing = std::make_unique<Viewing>(s.ioc, s.app);
  s.app.viewing = s.viewing.get();
  // An agent typing on a web chat's ticket: the visitor's tabs show it (never stored).
  s.app.chat_agent_typing = [&s](int64_t ticket, bool typing, const std::string& agent_name) {
    s.app.readers.submit<std::optional<storage::ChatConversation>>(
        [ticket](storage::TicketReader& r) { return r.chat_conversation(ticket); },
        [&s, typing, agent_name](Result<std::optional<storage::ChatConversation>> c) {
          if (!c || !c.value()) return;
          s.app.chat.deliver(c.value()->channel, c.value()->visitor,
                             std::make_shared<const std::string>(protocol::encode_chat_typing(typing, agent_name)), 0);
        });
  };
  s.stats = std::make_unique<StatsPusher>(s.ioc, s.app);
  s.stats->start();
  for (const auto& ch : s.app.config.channels)
    if (ch.type == "email" && !ch.get("imap_url").empty())
      s.imap.push_back(std::make_unique<ImapPoller>(s.app, ch));
  // Out of file descriptors: close the longest-idle HTTP connections so new clients get in.
  for (auto* l : {s.http.get(), s.smtp.get(), s.lmtp.get()})
    if (l) l->on_exhausted([&s] { s.app.idle.shed_oldest(kShedPerExhaustion); });
  s.http->run();
  auto ep = s.http->local_endpoint();
  spdlog::info("http listening on {}:{}", ep.address().to_string(), ep.port());
  for (auto [listener, name] : {std::pair{s.smtp.get(), "smtp"}, std::pair{s.lmtp.get(), "lmtp"}}) {
    if (!listener) continue;
    listener->run();
    auto mep = listener->local_endpoint();
    spdlog::info("{} listening on {}:{}", name, mep.address().to_string(), mep.port());
  }
  for (int i = 0; i < threads; ++i) s.threads.emplace_back([&s] { s.ioc.run(); });
  return server;
}

Server::~Server() {
  stop();
  wait();
}

unsigned short Server::http_port() const { return impl_->http->local_endpoint().port(); }
unsigned short Server::smtp_port() const {
  return impl_->smtp ? impl_->smtp->local_endpoint().port() : 0;
}
unsigned short Server::lmtp_port() const {
  return impl_->lmtp ? impl_->lmtp->local_endpoint().port() : 0;
}

void Server::stop() { impl_->begin_stop(); }

void Server::wait() {
  for (auto& t : impl_->threads)
    if (t.joinable()) t.join();
  impl_->imap.clear();     // joins them; they wait on readers and the writer, stopped next
  impl_->blocking.join();  // after the io threads and pollers: nothing posts blocking work any more
  impl_->readers->stop();
  impl_->writer.stop();
}

}  // namespace touchpoint::server
