#pragma once
// App: the services every request handler reaches, owned by Server and passed by reference.
// Must outlive every session (Server declares it before the io_context).
#include <atomic>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "server/address_rate.hpp"
#include "server/auth.hpp"
#include "server/chat_hub.hpp"
#include "protocol/mailgun_inbound.hpp"
#include "server/config.hpp"
#include "server/http_types.hpp"
#include "server/hub.hpp"
#include "server/idle_connections.hpp"
#include "server/presence.hpp"
#include "server/metrics.hpp"
#include "server/replay_guard.hpp"
#include "storage/reader_pool.hpp"
#include "storage/store_writer.hpp"

namespace touchpoint::server {

class Viewing;

struct App {
  App(Config c, storage::StoreWriter& w, storage::ReaderPool& r)
      : config(std::move(c)),
        templates(config.template_catalog()),
        email_routes(config.email_routes()),
        writer(w),
        readers(r) {}
  Config config;
  const protocol::TemplateCatalog templates;  // the channels' approved reply templates
  const EmailRoutes email_routes;             // every support address (lowercased) → its channel
  std::string secret;  // DATA/secret.key: keys our mail Message-IDs (set before any adapter)
  std::string data_dir;  // the store's directory (attachments/ lives there)
  // Runs work that may block (parsing large mail, fsyncing files) off the io threads.
  std::function<void(std::function<void()>)> blocking = [](std::function<void()> f) { f(); };
  storage::StoreWriter& writer;
  storage::ReaderPool& readers;
  LoginLimiter login_limiter;
  ReplayGuard mailgun_tokens{protocol::kMailgunFreshnessSeconds};
  Hub hub;
  Presence presence;  // who is online, away, offline
  ChatHub chat;       // web chat visitors' open tabs
  // New web chat connections per address a minute (the contract accepts at least 120).
  AddressRate chat_connections{240};
  // An agent's typing on a ticket changed: tell a web chat visitor (set by the server).
  std::function<void(int64_t ticket_id, bool typing, const std::string& agent_name)> chat_agent_typing =
      [](int64_t, bool, const std::string&) {};
  Viewing* viewing = nullptr;  // who is on which ticket (set once the server runs)
  IdleConnections idle;  // HTTP connections waiting for a request: shed when out of descriptors
  storage::Clock now = storage::system_clock_now;
  std::function<void()> nudge_outbox = [] {};  // a reply was queued: send it now
  std::function<void()> nudge_media = [] {};   // media downloads were queued: fetch them now
  Metrics metrics;
  std::atomic<bool> draining{false};  // SIGTERM seen: answer 503 to new work, close keep-alive
  std::atomic<int> in_flight{0};      // requests read and not yet answered
};

}  // namespace touchpoint::server
