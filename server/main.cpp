// touchpoint: serve | migrate | backup | agent add. See docs/cli.md.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <string>

#include "protocol/identity.hpp"
#include "server/config.hpp"
#include "server/api_routes.hpp"
#include "server/passwords.hpp"
#include "server/server.hpp"
#include "storage/ticket_store.hpp"

using namespace touchpoint;

namespace {

int fail(const std::string& message) {
  std::cerr << "touchpoint: " << message << "\n";
  return 1;
}

Result<storage::TicketStore> open_store(const std::string& data_dir) {
  return storage::TicketStore::open({.data_dir = data_dir});
}

// First start with no agents: create the admin from the environment, or admin@localhost with
// a random password shown once on stdout (never in the log).
Status bootstrap_admin(storage::TicketStore& store) {
  auto n = store.agent_count();
  if (!n) return n.error();
  if (n.value() > 0) return ok();
  const char* env_email = std::getenv("TOUCHPOINT_ADMIN_EMAIL");
  const char* env_password = std::getenv("TOUCHPOINT_ADMIN_PASSWORD");
  bool from_env = env_email && env_password && *env_email && *env_password;
  std::string email = from_env ? env_email : "admin@localhost";
  std::string password = from_env ? env_password : server::random_secret(18);
  auto id = store.add_agent({email, "Administrator", "admin", server::hash_password(password)});
  if (!id) return id.error();
  if (from_env) {
    std::cout << "Created admin " << email << " from TOUCHPOINT_ADMIN_EMAIL." << std::endl;
  } else {
    std::cout << "Created admin " << email << " with password: " << password
              << "\n(shown once; set TOUCHPOINT_ADMIN_EMAIL/_PASSWORD to choose your own)"
              << std::endl;
  }
  return ok();
}

struct ServeFlags {
  std::string config_file, data_dir, http, smtp, lmtp;
};

int serve(const ServeFlags& f) {
  server::Config config;
  if (!f.config_file.empty()) {
    auto c = server::load_config(f.config_file);
    if (!c) return fail(c.error().message);
    config = std::move(c).value();
  }
  if (!f.data_dir.empty()) config.data_dir = f.data_dir;
  if (!f.http.empty()) config.http = f.http;
  if (!f.smtp.empty()) config.smtp = f.smtp;
  if (!f.lmtp.empty()) config.lmtp = f.lmtp;
  if (auto v = server::validate(config); !v) return fail(v.error().message);
  if (auto p = server::probe_listeners(config); !p) return fail(p.error().message);

  auto store = open_store(config.data_dir);
  if (!store) return fail(store.error().message);
  if (auto b = bootstrap_admin(store.value()); !b) return fail(b.error().message);
  spdlog::info("store: {}", storage::database_path(config.data_dir));
  for (const auto& ch : config.channels)
    if (ch.type == "email")
      spdlog::info("channel email/{}: SMTP/LMTP for its addresses, /webhooks/{{mailgun,postmark,sendgrid}}/{}{}",
                   ch.name, ch.name, ch.get("imap_url").empty() ? "" : ", and its IMAP mailbox");
    else
      spdlog::info("channel {}/{}: /webhooks/{}/{}", ch.type, ch.name, ch.type, ch.name);

  auto srv = server::Server::start(std::move(config), std::move(store).value(), true);
  if (!srv) return fail(srv.error().message);
  srv.value()->wait();
  spdlog::info("stopped");
  return 0;
}

int add_agent(const std::string& data_dir, const std::string& email, const std::string& name,
              const std::string& role, bool password_stdin) {
  auto e = protocol::normalize_email(email);
  if (!e) return fail("'" + email + "' is not an email address");
  std::string password;
  if (password_stdin) {
    std::getline(std::cin, password);
    if (password.size() < 8) return fail("the password must have at least 8 characters");
  } else {
    password = server::random_secret(18);
  }
  auto store = open_store(data_dir);
  if (!store) return fail(store.error().message);
  auto id = store.value().add_agent({*e, name, role, server::hash_password(password)});
  if (!id) return fail(id.error().message);
  std::cout << "Added " << role << " " << *e << " (id " << id.value() << ")";
  if (!password_stdin) std::cout << " with password: " << password;
  std::cout << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Touchpoint: omnichannel customer-service ticketing server"};
  app.require_subcommand(1);
  std::string data_dir = "./data";

  ServeFlags sf;
  auto* serve_cmd = app.add_subcommand("serve", "Run the server");
  serve_cmd->add_option("--config", sf.config_file, "TOML config file")->check(CLI::ExistingFile);
  serve_cmd->add_option("--data", sf.data_dir, "Data directory (default ./data)");
  serve_cmd->add_option("--http", sf.http, "HTTP HOST:PORT (default 127.0.0.1:8080)");
  serve_cmd->add_option("--smtp", sf.smtp, "SMTP HOST:PORT (default 127.0.0.1:2525)");
  serve_cmd->add_option("--lmtp", sf.lmtp, "LMTP HOST:PORT (off unless given)");

  auto* migrate_cmd = app.add_subcommand("migrate", "Apply schema migrations and exit");
  migrate_cmd->add_option("--data", data_dir, "Data directory");

  std::string backup_out;
  auto* backup_cmd = app.add_subcommand("backup", "Online, consistent copy of the store");
  backup_cmd->add_option("--data", data_dir, "Data directory");
  backup_cmd->add_option("out", backup_out, "Output file")->required();

  auto* agent_cmd = app.add_subcommand("agent", "Manage agents");
  agent_cmd->require_subcommand(1);
  std::string email, name, role;
  bool password_stdin = false;
  auto* agent_add = agent_cmd->add_subcommand("add", "Add an agent");
  agent_add->add_option("--data", data_dir, "Data directory");
  agent_add->add_option("--email", email, "Email (login)")->required();
  agent_add->add_option("--name", name, "Display name")->required();
  agent_add->add_option("--role", role, "agent, supervisor or admin")
      ->required()
      ->check(CLI::IsMember({"agent", "supervisor", "admin"}));
  agent_add->add_flag("--password-stdin", password_stdin, "Read the password from stdin");

  auto* routes_cmd = app.add_subcommand(
      "routes", "List the agents' API routes (method, path, least role), one per line");

  CLI11_PARSE(app, argc, argv);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");

  if (*serve_cmd) return serve(sf);
  if (*migrate_cmd) {
    auto store = open_store(data_dir);
    if (!store) return fail(store.error().message);
    std::cout << "Store " << storage::database_path(data_dir) << " is up to date." << std::endl;
    return 0;
  }
  if (*backup_cmd) {
    auto s = storage::backup_store(data_dir, backup_out);
    if (!s) return fail(s.error().message);
    std::cout << "Backed up to " << backup_out << std::endl;
    return 0;
  }
  if (*agent_add) return add_agent(data_dir, email, name, role, password_stdin);
  if (*routes_cmd) {  // what the security tests walk, so no route escapes them
    for (const auto& r : server::api_routes())
      std::cout << r.method << " " << r.pattern << " " << (*r.role ? r.role : "-") << "\n";
    return 0;
  }
  return 0;
}
