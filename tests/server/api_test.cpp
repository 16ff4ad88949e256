// The agents' API on the real server over real sockets: auth and roles on every route, ticket
// work, replies and notes.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <fstream>
#include <sstream>

#include "../storage/temp_dir.hpp"
#include "server/api_routes.hpp"
#include "server/auth.hpp"
#include "server/http_client.hpp"
#include "server/passwords.hpp"
#include "server/server.hpp"
#include "storage/ticket_reader.hpp"

namespace touchpoint::server {
namespace {

using testing_support::HttpClient;
using testing_support::Reply;
namespace http = boost::beast::http;

rapidjson::Document parse(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  EXPECT_FALSE(d.HasParseError()) << body;
  return d;
}

class ApiTest : public testing::Test {
 protected:
  // One server for the suite: argon2id is deliberately slow, so agents are made once.
  static void SetUpTestSuite() {
    dir_ = new testing_support::TempDir();
    {
      auto store = storage::TicketStore::open({.data_dir = dir_->str()}).value();
      admin_id_ = store.add_agent({"admin@example.com", "Ada Admin", "admin",
                                   hash_password("admin-password")}).value();
      sup_id_ = store.add_agent({"sup@example.com", "Sam Super", "supervisor",
                                 hash_password("sup-password")}).value();
      agent_id_ = store.add_agent({"agent@example.com", "Alex Agent", "agent",
                                   hash_password("agent-password")}).value();
      other_id_ = store.add_agent({"other@example.com", "Olga Other", "agent",
                                   hash_password("other-password")}).value();
    }
    Config config;
    config.data_dir = dir_->str();
    config.http = "127.0.0.1:0";
    ChannelConfig crm;
    crm.type = "api";
    crm.name = "crm";
    // Nothing listens on port 1 and the retry is an hour away: replies stay "queued" while
    // these tests look at them (delivery itself is outbox_test's subject).
    crm.values = {{"token", "s3cret"}, {"callback_url", "http://127.0.0.1:1/out"}};
    config.channels.push_back(crm);
    config.outbox_retry_base_seconds = 3600;
    server_ = Server::start(config, storage::TicketStore::open({.data_dir = dir_->str()}).value())
                  .value()
                  .release();
    agent_token_ = login("agent@example.com", "agent-password");
    sup_token_ = login("sup@example.com", "sup-password");
    admin_token_ = login("admin@example.com", "admin-password");
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }

  static std::string login(const std::string& email, const std::string& password) {
    HttpClient c(server_->http_port());
    auto r = c.request(http::verb::post, "/api/v1/auth/login",
                       R"({"email":")" + email + R"(","password":")" + password + "\"}",
                       {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 200) << r.body;
    return parse(r.body)["token"].GetString();
  }

  Reply call(http::verb verb, const std::string& target, const std::string& token,
             const std::string& body = "") {
    HttpClient c(server_->http_port());
    std::map<std::string, std::string> headers = {{"Content-Type", "application/json"}};
    if (!token.empty()) headers["Authorization"] = "Bearer " + token;
    return c.request(verb, target, body, headers);
  }

  // A fresh ticket from a fresh customer through the API channel.
  int64_t new_ticket(const std::string& text = "Where is my order?") {
    static int n = 0;
    ++n;
    HttpClient c(server_->http_port());
    auto r = c.post_json("/webhooks/api/crm",
                         R"({"message_id":"api-test-)" + std::to_string(n) + R"(","text":")" + text +
                             R"(","from":{"id":"cust-)" + std::to_string(n) + R"("}})");
    EXPECT_EQ(r.status, 200) << r.body;
    return parse(r.body)["ticket_id"].GetInt64();
  }

  static inline testing_support::TempDir* dir_ = nullptr;
  static inline Server* server_ = nullptr;
  static inline int64_t admin_id_ = 0, sup_id_ = 0, agent_id_ = 0, other_id_ = 0;
  static inline std::string agent_token_, sup_token_, admin_token_;
};

http::verb verb_of(const std::string& m) { return http::string_to_verb(m); }

std::string concrete(std::string pattern) {
  for (auto at = pattern.find("{id}"); at != std::string::npos; at = pattern.find("{id}"))
    pattern.replace(at, 4, "1");
  return pattern;
}

TEST_F(ApiTest, EveryRouteButLoginNeedsAValidToken) {
  for (const auto& r : api_routes()) {
    if (std::string(r.role).empty()) continue;
    auto missing = call(verb_of(r.method), concrete(r.pattern), "");
    EXPECT_EQ(missing.status, 401) << r.method << " " << r.pattern;
    auto wrong = call(verb_of(r.method), concrete(r.pattern), "not-a-token");
    EXPECT_EQ(wrong.status, 401) << r.method << " " << r.pattern;
    EXPECT_NE(wrong.body.find("\"unauthorized\""), std::string::npos);
  }
}

TEST_F(ApiTest, EveryRestrictedRouteRefusesALowerRole) {
  for (const auto& r : api_routes()) {
    std::string need = r.role;
    if (need == "supervisor" || need == "admin") {
      auto res = call(verb_of(r.method), concrete(r.pattern), agent_token_, "{}");
      EXPECT_EQ(res.status, 403) << r.method << " " << r.pattern;
      EXPECT_NE(res.body.find("\"forbidden\""), std::string::npos);
    }
    if (need == "admin") {
      EXPECT_EQ(call(verb_of(r.method), concrete(r.pattern), sup_token_, "{}").status, 403)
          << r.method << " " << r.pattern;
    }
  }
}

TEST_F(ApiTest, SupervisorsSeeQueueCounts) {
  new_ticket();
  auto r = call(http::verb::get, "/api/v1/stats/queues", sup_token_);
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = parse(r.body);
  EXPECT_GE(d["statuses"]["new"].GetInt64() + d["statuses"]["open"].GetInt64(), 1);
  EXPECT_GE(d["open_total"].GetInt64(), 1);
  // Today's hours: the ticket is in the hour it arrived; by=hour takes one day.
  auto hours = call(http::verb::get, "/api/v1/reports/service?by=hour", sup_token_);
  ASSERT_EQ(hours.status, 200) << hours.body;
  auto h = parse(hours.body);
  ASSERT_EQ(h["rows"].Size(), 1u) << hours.body;
  EXPECT_EQ(std::string(h["rows"][0]["key"].GetString()).size(), 2u) << hours.body;
  EXPECT_EQ(h["rows"][0]["tickets"].GetInt64(), 1);
  EXPECT_EQ(call(http::verb::get, "/api/v1/reports/service?by=hour&from=2026-11-01&to=2026-11-02", sup_token_).status,
            400);
}

TEST_F(ApiTest, AgentsSeeTheirQueuesCounted) {
  auto counts = [&](const char* key) {
    auto r = call(http::verb::get, "/api/v1/queues", agent_token_);
    EXPECT_EQ(r.status, 200) << r.body;
    return parse(r.body)[key].GetInt64();
  };
  int64_t open = counts("open"), unassigned = counts("unassigned"), mine = counts("mine");
  int64_t ticket = new_ticket();
  EXPECT_EQ(counts("open"), open + 1);
  EXPECT_EQ(counts("unassigned"), unassigned + 1);
  auto id = std::to_string(ticket);
  ASSERT_EQ(call(http::verb::patch, "/api/v1/tickets/" + id, agent_token_,
                 R"({"assignee":)" + std::to_string(agent_id_) + "}").status, 200);
  EXPECT_EQ(counts("mine"), mine + 1);
  EXPECT_EQ(counts("unassigned"), unassigned);
  // Every group, with the open tickets in it.
  auto group = parse(call(http::verb::post, "/api/v1/groups", admin_token_, R"({"name":"Counted"})").body)["id"].GetInt64();
  ASSERT_EQ(call(http::verb::patch, "/api/v1/tickets/" + id, agent_token_,
                 R"({"group":)" + std::to_string(group) + "}").status, 200);
  auto all = parse(call(http::verb::get, "/api/v1/queues", agent_token_).body);
  bool found = false;
  for (const auto& g : all["groups"].GetArray()) {
    if (g["id"].GetInt64() != group) continue;
    found = true;
    EXPECT_EQ(std::string(g["name"].GetString()), "Counted");
    EXPECT_EQ(g["open"].GetInt64(), 1);
  }
  EXPECT_TRUE(found);
  ASSERT_EQ(call(http::verb::patch, "/api/v1/tickets/" + id, agent_token_, R"({"status":"solved"})").status, 200);
  EXPECT_EQ(counts("open"), open);
  EXPECT_EQ(counts("mine"), mine);
  EXPECT_EQ(call(http::verb::get, "/api/v1/queues", "").status, 401);
}

TEST_F(ApiTest, AdminsManageGroupsAndTicketsJoinThem) {
  auto created = call(http::verb::post, "/api/v1/groups", admin_token_, R"({"name":"Billing"})");
  ASSERT_EQ(created.status, 201) << created.body;
  int64_t group = parse(created.body)["id"].GetInt64();
  EXPECT_EQ(call(http::verb::post, "/api/v1/groups", admin_token_, R"({"name":"Billing"})").status, 409);
  EXPECT_EQ(call(http::verb::post, "/api/v1/groups", admin_token_, R"({"name":""})").status, 400);
  auto renamed = call(http::verb::patch, "/api/v1/groups/" + std::to_string(group), admin_token_,
                      R"({"name":"Billing EU"})");
  EXPECT_EQ(renamed.status, 200);
  auto list = parse(call(http::verb::get, "/api/v1/groups", agent_token_).body);
  EXPECT_EQ(std::string(list["groups"][0]["name"].GetString()), "Billing EU");
  int64_t ticket = new_ticket();
  auto patched = call(http::verb::patch, "/api/v1/tickets/" + std::to_string(ticket), agent_token_,
                      R"({"group":)" + std::to_string(group) + "}");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(parse(patched.body)["group"].GetInt64(), group);
  auto filtered = parse(call(http::verb::get, "/api/v1/tickets?group=" + std::to_string(group),
                             agent_token_).body);
  ASSERT_EQ(filtered["tickets"].Size(), 1u);
  EXPECT_EQ(filtered["tickets"][0]["id"].GetInt64(), ticket);
}

TEST_F(ApiTest, AdminsAddAgentsWhoCanThenSignIn) {
  auto r = call(http::verb::post, "/api/v1/agents", admin_token_,
                R"({"email":"New@Example.com","name":"Nia","role":"agent","password":"long enough"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(std::string(parse(r.body)["email"].GetString()), "new@example.com");
  EXPECT_FALSE(login("new@example.com", "long enough").empty());
  EXPECT_EQ(call(http::verb::post, "/api/v1/agents", admin_token_,
                 R"({"email":"x@example.com","name":"X","role":"agent","password":"short"})").status,
            400);
  auto list = call(http::verb::get, "/api/v1/agents", sup_token_);
  EXPECT_EQ(list.status, 200);
  EXPECT_EQ(list.body.find("argon2"), std::string::npos);  // hashes never leave the store
}

TEST_F(ApiTest, IntegrationTokensAreShownOnceScopedAndRevocable) {
  auto r = call(http::verb::post, "/api/v1/tokens", admin_token_,
                R"({"agent_id":)" + std::to_string(agent_id_) + R"(,"role":"agent","name":"crm sync"})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto d = parse(r.body);
  std::string token = d["token"].GetString();
  int64_t id = d["id"].GetInt64();
  auto me = parse(call(http::verb::get, "/api/v1/auth/me", token).body);
  EXPECT_EQ(me["id"].GetInt64(), agent_id_);
  auto listed = call(http::verb::get, "/api/v1/tokens", admin_token_);
  EXPECT_EQ(listed.body.find(token), std::string::npos);
  EXPECT_EQ(call(http::verb::post, "/api/v1/tokens", admin_token_,
                 R"({"agent_id":)" + std::to_string(agent_id_) + R"(,"role":"admin","name":"x"})")
                .status,
            422);  // never more than the agent has
  EXPECT_EQ(call(http::verb::delete_, "/api/v1/tokens/" + std::to_string(id), admin_token_).status, 200);
  EXPECT_EQ(call(http::verb::get, "/api/v1/auth/me", token).status, 401);
  EXPECT_EQ(call(http::verb::delete_, "/api/v1/tokens/999999", admin_token_).status, 404);
}

TEST_F(ApiTest, EveryRouteIsDocumented) {
  std::ifstream f(std::string(TOUCHPOINT_SOURCE_DIR) + "/docs/api.md");
  std::stringstream ss;
  ss << f.rdbuf();
  for (const auto& r : api_routes())
    EXPECT_NE(ss.str().find(std::string(r.method) + " " + r.pattern + "`"), std::string::npos)
        << r.method << " " << r.pattern << " is not in docs/api.md";
}

TEST_F(ApiTest, AnExpiredTokenIs401) {
  std::string token = random_secret(32);
  {
    auto store = storage::TicketStore::open({.data_dir = dir_->str()}).value();
    ASSERT_TRUE(store.create_token({token_hash(token), agent_id_, "api", "agent", "old", 1000}));
  }
  EXPECT_EQ(call(http::verb::get, "/api/v1/auth/me", token).status, 401);
}

TEST_F(ApiTest, LoginGivesATokenAndAnHttpOnlyCookieAndLogoutRevokesIt) {
  HttpClient c(server_->http_port());
  auto r = c.request(http::verb::post, "/api/v1/auth/login",
                     R"({"email":"Agent@Example.com","password":"agent-password"})",
                     {{"Content-Type", "application/json"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = parse(r.body);
  std::string token = d["token"].GetString();
  EXPECT_GE(token.size(), 40u);
  EXPECT_EQ(std::string(d["agent"]["role"].GetString()), "agent");
  EXPECT_NE(r.headers["Set-Cookie"].find("HttpOnly; SameSite=Strict"), std::string::npos);
  auto me = call(http::verb::get, "/api/v1/auth/me", token);
  EXPECT_EQ(me.status, 200);
  // The cookie alone authenticates the console.
  auto by_cookie = c.request(http::verb::get, "/api/v1/auth/me", "",
                             {{"Cookie", "theme=dark; tp_session=" + token}});
  EXPECT_EQ(by_cookie.status, 200);
  EXPECT_EQ(call(http::verb::post, "/api/v1/auth/logout", token).status, 200);
  EXPECT_EQ(call(http::verb::get, "/api/v1/auth/me", token).status, 401);
}

TEST_F(ApiTest, WrongPasswordsAreRateLimitedPerAccount) {
  for (int i = 0; i < 5; ++i) {
    auto r = call(http::verb::post, "/api/v1/auth/login", "",
                  R"({"email":"other@example.com","password":"guess)" + std::to_string(i) + "\"}");
    EXPECT_EQ(r.status, 401) << r.body;
  }
  auto limited = call(http::verb::post, "/api/v1/auth/login", "",
                      R"({"email":"other@example.com","password":"other-password"})");
  EXPECT_EQ(limited.status, 429);
  EXPECT_FALSE(limited.headers["Retry-After"].empty());
  // Other accounts are not locked out by it.
  EXPECT_EQ(call(http::verb::post, "/api/v1/auth/login", "",
                 R"({"email":"sup@example.com","password":"sup-password"})")
                .status,
            200);
}

TEST_F(ApiTest, UnknownEmailAndMalformedLoginAreRejected) {
  EXPECT_EQ(call(http::verb::post, "/api/v1/auth/login", "",
                 R"({"email":"nobody@example.com","password":"x"})").status, 401);
  EXPECT_EQ(call(http::verb::post, "/api/v1/auth/login", "", R"({"email":"x"})").status, 400);
}

TEST_F(ApiTest, TicketShowsMessagesAndEvents) {
  int64_t id = new_ticket("Hello there");
  auto r = call(http::verb::get, "/api/v1/tickets/" + std::to_string(id), agent_token_);
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = parse(r.body);
  EXPECT_EQ(d["id"].GetInt64(), id);
  EXPECT_EQ(std::string(d["status"].GetString()), "new");
  EXPECT_EQ(std::string(d["channel"].GetString()), "api");
  EXPECT_EQ(std::string(d["messages"][0]["body"].GetString()), "Hello there");
  EXPECT_EQ(std::string(d["events"][0]["type"].GetString()), "ticket.created");
  EXPECT_TRUE(d["first_response_at"].IsNull());
  EXPECT_EQ(call(http::verb::get, "/api/v1/tickets/999999", agent_token_).status, 404);
  EXPECT_EQ(call(http::verb::get, "/api/v1/tickets/abc", agent_token_).status, 404);
}

TEST_F(ApiTest, PublicReplyQueuesDeliverySetsFirstResponseAndOpensANoteDoesNot) {
  int64_t id = new_ticket();
  std::string path = "/api/v1/tickets/" + std::to_string(id);
  auto note = call(http::verb::post, path + "/messages", agent_token_,
                   R"({"body":"customer sounds upset","internal":true})");
  ASSERT_EQ(note.status, 201) << note.body;
  EXPECT_TRUE(parse(note.body)["delivery_status"].IsNull());
  auto t = parse(call(http::verb::get, path, agent_token_).body);
  EXPECT_TRUE(t["first_response_at"].IsNull());
  EXPECT_EQ(std::string(t["status"].GetString()), "new");

  auto reply = call(http::verb::post, path + "/messages", agent_token_,
                    R"({"body":"We are on it."})");
  ASSERT_EQ(reply.status, 201) << reply.body;
  EXPECT_EQ(std::string(parse(reply.body)["delivery_status"].GetString()), "queued");
  t = parse(call(http::verb::get, path, agent_token_).body);
  EXPECT_FALSE(t["first_response_at"].IsNull());
  EXPECT_EQ(std::string(t["status"].GetString()), "open");
  const auto& last = t["messages"][t["messages"].Size() - 1];
  EXPECT_EQ(std::string(last["direction"].GetString()), "out");
  EXPECT_EQ(std::string(last["delivery_status"].GetString()), "queued");

  EXPECT_EQ(call(http::verb::post, path + "/messages", agent_token_, R"({"body":""})").status, 400);
  EXPECT_EQ(call(http::verb::post, "/api/v1/tickets/999999/messages", agent_token_,
                 R"({"body":"x"})").status, 404);
}

TEST_F(ApiTest, PatchChangesFieldsAndRejectsBadValuesWithoutChangingAnything) {
  int64_t id = new_ticket();
  std::string path = "/api/v1/tickets/" + std::to_string(id);
  auto r = call(http::verb::patch, path, agent_token_,
                R"({"priority":"high","tags":["vip","refund"],"status":"pending"})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = parse(r.body);
  EXPECT_EQ(std::string(d["priority"].GetString()), "high");
  EXPECT_EQ(std::string(d["status"].GetString()), "pending");
  EXPECT_EQ(d["tags"].Size(), 2u);

  auto bad = call(http::verb::patch, path, agent_token_, R"({"priority":"low","status":"done"})");
  EXPECT_EQ(bad.status, 422) << bad.body;
  auto typo = call(http::verb::patch, path, agent_token_, R"({"prority":"low"})");
  EXPECT_EQ(typo.status, 400);
  d = parse(call(http::verb::get, path, agent_token_).body);
  EXPECT_EQ(std::string(d["priority"].GetString()), "high");  // the 422 changed nothing
  EXPECT_EQ(std::string(d["status"].GetString()), "pending");
}

TEST_F(ApiTest, AgentsTakeAndReleaseTheirOwnOnlySupervisorsReassign) {
  int64_t id = new_ticket();
  std::string path = "/api/v1/tickets/" + std::to_string(id);
  auto other = std::to_string(other_id_), me = std::to_string(agent_id_);
  EXPECT_EQ(call(http::verb::patch, path, agent_token_, R"({"assignee":)" + other + "}").status, 403);
  EXPECT_EQ(call(http::verb::patch, path, agent_token_, R"({"assignee":)" + me + "}").status, 200);
  EXPECT_EQ(call(http::verb::patch, path, sup_token_, R"({"assignee":)" + other + "}").status, 200);
  EXPECT_EQ(call(http::verb::patch, path, agent_token_, R"({"assignee":null})").status, 403);
  EXPECT_EQ(call(http::verb::patch, path, sup_token_, R"({"assignee":424242})").status, 422);
  auto d = parse(call(http::verb::get, path, agent_token_).body);
  EXPECT_EQ(d["assignee"].GetInt64(), other_id_);
}

TEST_F(ApiTest, ListFiltersAndPagesWithACursor) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(new_ticket());
  auto me = std::to_string(agent_id_);
  for (auto id : ids)
    ASSERT_EQ(call(http::verb::patch, "/api/v1/tickets/" + std::to_string(id), agent_token_,
                   R"({"assignee":)" + me + R"(,"priority":"urgent"})").status, 200);
  auto page1 = call(http::verb::get, "/api/v1/tickets?assignee=me&priority=urgent&limit=2",
                    agent_token_);
  ASSERT_EQ(page1.status, 200) << page1.body;
  auto d1 = parse(page1.body);
  ASSERT_EQ(d1["tickets"].Size(), 2u);
  EXPECT_EQ(d1["tickets"][0]["id"].GetInt64(), ids[2]);  // most recently active first
  ASSERT_TRUE(d1["next_cursor"].IsString());
  auto page2 = call(http::verb::get,
                    std::string("/api/v1/tickets?assignee=me&priority=urgent&limit=2&cursor=") +
                        d1["next_cursor"].GetString(),
                    agent_token_);
  auto d2 = parse(page2.body);
  ASSERT_GE(d2["tickets"].Size(), 1u);
  EXPECT_EQ(d2["tickets"][0]["id"].GetInt64(), ids[0]);
  EXPECT_EQ(call(http::verb::get, "/api/v1/tickets?status=bogus", agent_token_).status, 400);
  EXPECT_EQ(call(http::verb::get, "/api/v1/tickets?limit=1000", agent_token_).status, 400);
  EXPECT_EQ(call(http::verb::get, "/api/v1/tickets?colour=red", agent_token_).status, 400);
}

TEST_F(ApiTest, FullTextSearchFindsTicketsAndRejectsEmptyQueries) {
  int64_t id = new_ticket("My zebra-striped umbrella never arrived");
  auto r = call(http::verb::get, "/api/v1/tickets?q=Umbrella", agent_token_);
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = parse(r.body);
  ASSERT_EQ(d["tickets"].Size(), 1u);
  EXPECT_EQ(d["tickets"][0]["id"].GetInt64(), id);
  auto quoted = call(http::verb::get, "/api/v1/tickets?q=%22zebra%22%20OR%20*", agent_token_);
  EXPECT_EQ(quoted.status, 200) << quoted.body;  // FTS5 syntax is neutralised, never an error
  EXPECT_EQ(call(http::verb::get, "/api/v1/tickets?q=%22%22", agent_token_).status, 400);
  EXPECT_EQ(call(http::verb::get, "/api/v1/tickets?q=umbrella&cursor=123", agent_token_).status, 400);
}

TEST_F(ApiTest, MergeAnswersTheTargetWithBothConversations) {
  int64_t a = new_ticket("first half");
  int64_t b = new_ticket("second half");
  auto r = call(http::verb::post, "/api/v1/tickets/" + std::to_string(a) + "/merge", agent_token_,
                R"({"into":)" + std::to_string(b) + "}");
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = parse(r.body);
  EXPECT_EQ(d["id"].GetInt64(), b);
  EXPECT_EQ(d["messages"].Size(), 2u);
  auto source = parse(call(http::verb::get, "/api/v1/tickets/" + std::to_string(a), agent_token_).body);
  EXPECT_EQ(source["merged_into"].GetInt64(), b);
  EXPECT_EQ(call(http::verb::post, "/api/v1/tickets/" + std::to_string(a) + "/merge", agent_token_,
                 R"({"into":)" + std::to_string(b) + "}").status, 422);
  EXPECT_EQ(call(http::verb::post, "/api/v1/tickets/" + std::to_string(b) + "/merge", agent_token_,
                 R"({"into":"x"})").status, 400);
}

TEST_F(ApiTest, AgentsRenameCustomersAndManageTheirIdentities) {
  int64_t ticket = new_ticket();
  auto t = parse(call(http::verb::get, "/api/v1/tickets/" + std::to_string(ticket), agent_token_).body);
  std::string path = "/api/v1/customers/" + std::to_string(t["customer_id"].GetInt64());
  auto renamed = call(http::verb::patch, path, agent_token_, R"({"name":"Grace Hopper"})");
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(std::string(parse(renamed.body)["name"].GetString()), "Grace Hopper");

  auto added = call(http::verb::post, path + "/identities", agent_token_,
                    R"({"type":"email","address":"Grace@Navy.mil"})");
  ASSERT_EQ(added.status, 201) << added.body;
  auto c = parse(added.body);
  ASSERT_EQ(c["identities"].Size(), 2u);
  EXPECT_EQ(std::string(c["identities"][1]["address"].GetString()), "grace@navy.mil");
  int64_t identity = c["identities"][1]["id"].GetInt64();

  // Found by that email however it is typed; an identity already taken is refused.
  auto found = parse(call(http::verb::get, "/api/v1/customers?identity=GRACE%40navy.mil", agent_token_).body);
  ASSERT_EQ(found["customers"].Size(), 1u);
  EXPECT_EQ(found["customers"][0]["id"].GetInt64(), t["customer_id"].GetInt64());
  int64_t other_ticket = new_ticket();
  auto other = parse(call(http::verb::get, "/api/v1/tickets/" + std::to_string(other_ticket), agent_token_).body);
  auto taken = call(http::verb::post, "/api/v1/customers/" + std::to_string(other["customer_id"].GetInt64()) +
                                          "/identities",
                    agent_token_, R"({"type":"email","address":"grace@navy.mil"})");
  EXPECT_EQ(taken.status, 409);
  EXPECT_EQ(call(http::verb::post, path + "/identities", agent_token_,
                 R"({"type":"fax","address":"123"})").status, 422);
  EXPECT_EQ(call(http::verb::post, path + "/identities", agent_token_,
                 R"({"type":"phone","address":"call me"})").status, 422);

  auto removed = call(http::verb::delete_, path + "/identities/" + std::to_string(identity), agent_token_);
  ASSERT_EQ(removed.status, 200) << removed.body;
  EXPECT_EQ(parse(removed.body)["identities"].Size(), 1u);
  EXPECT_EQ(call(http::verb::delete_, path + "/identities/" + std::to_string(identity), agent_token_).status, 404);
  EXPECT_EQ(call(http::verb::get, "/api/v1/customers?identity=", agent_token_).status, 400);

  // And by name, as an agent remembers it: word prefixes, any case.
  auto by_name = parse(call(http::verb::get, "/api/v1/customers?q=grace%20HOP", agent_token_).body);
  ASSERT_EQ(by_name["customers"].Size(), 1u);
  EXPECT_EQ(by_name["customers"][0]["id"].GetInt64(), t["customer_id"].GetInt64());
  EXPECT_EQ(parse(call(http::verb::get, "/api/v1/customers?q=nobody", agent_token_).body)["customers"].Size(), 0u);
  EXPECT_EQ(call(http::verb::get, "/api/v1/customers?q=", agent_token_).status, 400);
}

TEST_F(ApiTest, CustomerMergeIsReversible) {
  auto customer_of = [&](int64_t ticket) {
    return parse(call(http::verb::get, "/api/v1/tickets/" + std::to_string(ticket), agent_token_).body)
        ["customer_id"].GetInt64();
  };
  int64_t ta = new_ticket(), tb = new_ticket();
  int64_t a = customer_of(ta), b = customer_of(tb);
  std::string pa = "/api/v1/customers/" + std::to_string(a);
  auto merged = call(http::verb::post, pa + "/merge", agent_token_, R"({"into":)" + std::to_string(b) + "}");
  ASSERT_EQ(merged.status, 200) << merged.body;
  EXPECT_EQ(parse(merged.body)["identities"].Size(), 2u);
  EXPECT_EQ(customer_of(ta), b);
  EXPECT_EQ(parse(call(http::verb::get, pa, agent_token_).body)["merged_into"].GetInt64(), b);
  EXPECT_EQ(call(http::verb::post, pa + "/merge", agent_token_, R"({"into":)" + std::to_string(b) + "}").status, 422);

  auto undone = call(http::verb::post, pa + "/unmerge", agent_token_);
  ASSERT_EQ(undone.status, 200) << undone.body;
  auto back = parse(undone.body);
  EXPECT_TRUE(back["merged_into"].IsNull());
  EXPECT_EQ(back["identities"].Size(), 1u);
  EXPECT_EQ(customer_of(ta), a);
  EXPECT_EQ(customer_of(tb), b);
  EXPECT_EQ(call(http::verb::post, pa + "/unmerge", agent_token_).status, 422);
}

TEST_F(ApiTest, CustomersListNewestFirstWithACursor) {
  new_ticket();
  new_ticket();
  auto p1 = call(http::verb::get, "/api/v1/customers?limit=1", agent_token_);
  ASSERT_EQ(p1.status, 200) << p1.body;
  auto d1 = parse(p1.body);
  ASSERT_EQ(d1["customers"].Size(), 1u);
  auto p2 = parse(call(http::verb::get, std::string("/api/v1/customers?limit=1&cursor=") +
                                            d1["next_cursor"].GetString(), agent_token_).body);
  ASSERT_EQ(p2["customers"].Size(), 1u);
  EXPECT_LT(p2["customers"][0]["id"].GetInt64(), d1["customers"][0]["id"].GetInt64());
}

TEST_F(ApiTest, AdminsDeleteGroupsDeactivateAgentsAndListChannels) {
  auto g = parse(call(http::verb::post, "/api/v1/groups", admin_token_, R"({"name":"Temporary"})").body);
  int64_t group = g["id"].GetInt64();
  int64_t ticket = new_ticket();
  ASSERT_EQ(call(http::verb::patch, "/api/v1/tickets/" + std::to_string(ticket), agent_token_,
                 R"({"group":)" + std::to_string(group) + "}").status, 200);
  EXPECT_EQ(call(http::verb::delete_, "/api/v1/groups/" + std::to_string(group), admin_token_).status, 200);
  auto t = parse(call(http::verb::get, "/api/v1/tickets/" + std::to_string(ticket), agent_token_).body);
  EXPECT_TRUE(t["group"].IsNull());

  auto made = parse(call(http::verb::post, "/api/v1/agents", admin_token_,
                         R"({"email":"temp@example.com","name":"T","role":"supervisor","password":"temp-password"})").body);
  int64_t temp = made["id"].GetInt64();
  std::string token = login("temp@example.com", "temp-password");
  EXPECT_EQ(call(http::verb::get, "/api/v1/stats/queues", token).status, 200);
  ASSERT_EQ(call(http::verb::patch, "/api/v1/agents/" + std::to_string(temp), admin_token_,
                 R"({"role":"agent"})").status, 200);
  EXPECT_EQ(call(http::verb::get, "/api/v1/stats/queues", token).status, 403);  // the token was lowered too
  ASSERT_EQ(call(http::verb::patch, "/api/v1/agents/" + std::to_string(temp), admin_token_,
                 R"({"active":false})").status, 200);
  EXPECT_EQ(call(http::verb::get, "/api/v1/auth/me", token).status, 401);
  EXPECT_EQ(call(http::verb::patch, "/api/v1/agents/" + std::to_string(admin_id_), admin_token_,
                 R"({"active":false})").status, 422);  // the last admin stays

  auto ch = call(http::verb::get, "/api/v1/channels", admin_token_);
  ASSERT_EQ(ch.status, 200);
  EXPECT_NE(ch.body.find(R"("webhook":"/webhooks/api/crm")"), std::string::npos);
  EXPECT_EQ(ch.body.find("s3cret"), std::string::npos);
}

TEST_F(ApiTest, CustomerShowsIdentities) {
  int64_t id = new_ticket();
  auto t = parse(call(http::verb::get, "/api/v1/tickets/" + std::to_string(id), agent_token_).body);
  auto r = call(http::verb::get, "/api/v1/customers/" + std::to_string(t["customer_id"].GetInt64()),
                agent_token_);
  ASSERT_EQ(r.status, 200) << r.body;
  auto c = parse(r.body);
  EXPECT_EQ(std::string(c["identities"][0]["type"].GetString()), "api");
  EXPECT_EQ(call(http::verb::get, "/api/v1/customers/999999", agent_token_).status, 404);
}

TEST_F(ApiTest, WrongMethodIs405) {
  EXPECT_EQ(call(http::verb::put, "/api/v1/tickets/1", agent_token_).status, 405);
  EXPECT_EQ(call(http::verb::get, "/api/v1/nothing", agent_token_).status, 404);
}

}  // namespace
}  // namespace touchpoint::server
