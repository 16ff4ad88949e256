// Outbound HTTPS (provider APIs, API-channel callbacks): a real TLS server on 127.0.0.1 with a
// throwaway certificate. The client trusts only the system store (SSL_CERT_FILE points it at
// our test CA here) and checks the host name: an untrusted certificate or a name mismatch
// fails the request instead of sending anything in the clear or to the wrong party.
#include <gtest/gtest.h>

#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdlib>
#include <future>
#include <thread>

#include "../storage/temp_dir.hpp"
#include "server/http_fetch.hpp"

namespace touchpoint::server {
namespace {

namespace ssl = net::ssl;

// Makes a key and a self-signed certificate for DNS:localhost with the openssl CLI.
void make_certificate(const std::string& dir, const std::string& name) {
  std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
                    "-keyout " + dir + "/" + name + ".key -out " + dir + "/" + name + ".pem "
                    "-days 2 -subj /CN=localhost -addext subjectAltName=DNS:localhost 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

// Answers one HTTPS request with 200 and "secret answer", recording the request body.
class TlsServer {
 public:
  TlsServer(const std::string& cert, const std::string& key) : ctx_(ssl::context::tls_server) {
    ctx_.use_certificate_chain_file(cert);
    ctx_.use_private_key_file(key, ssl::context::pem);
    acceptor_.open(tcp::v4());
    acceptor_.bind({net::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    thread_ = std::thread([this] {
      tcp::socket s(ioc_);
      beast::error_code ec;
      acceptor_.accept(s, ec);
      if (ec) return;
      ssl::stream<tcp::socket> tls(std::move(s), ctx_);
      tls.handshake(ssl::stream_base::server, ec);
      if (ec) return;  // the client refused us: nothing was sent
      beast::flat_buffer buf;
      http::request<http::string_body> req;
      http::read(tls, buf, req, ec);
      if (ec) return;
      body_.set_value(req.body());
      http::response<http::string_body> res{http::status::ok, 11};
      res.body() = "secret answer";
      res.prepare_payload();
      http::write(tls, res, ec);
      tls.shutdown(ec);
    });
  }
  ~TlsServer() {
    // Wake an accept still waiting (a test that failed before connecting) with our own
    // connection, which the handshake then drops.
    net::io_context ioc;
    tcp::socket s(ioc);
    beast::error_code ec;
    s.connect(acceptor_.local_endpoint(), ec);
    s.close(ec);
    thread_.join();
  }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  std::future<std::string> body() { return body_.get_future(); }

 private:
  net::io_context ioc_;
  ssl::context ctx_;
  tcp::acceptor acceptor_{ioc_};
  std::promise<std::string> body_;
  std::thread thread_;
};

FetchResult fetch_now(const std::string& url) {
  net::io_context ioc;
  std::promise<FetchResult> done;
  fetch(ioc, {"POST", url, {{"Content-Type", "text/plain"}}, "the payload"},
        [&](FetchResult r) { done.set_value(std::move(r)); });
  ioc.run();
  return done.get_future().get();
}

class HttpsFetchTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing_support::TempDir();
    make_certificate(dir_->str(), "trusted");
    make_certificate(dir_->str(), "stranger");
    // Before the first HTTPS request: the client's trust store is read once.
    setenv("SSL_CERT_FILE", (dir_->str() + "/trusted.pem").c_str(), 1);
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string path(const std::string& f) { return dir_->str() + "/" + f; }
  static testing_support::TempDir* dir_;
};
testing_support::TempDir* HttpsFetchTest::dir_ = nullptr;

TEST_F(HttpsFetchTest, ATrustedCertificateForTheHostCarriesTheRequest) {
  TlsServer server(path("trusted.pem"), path("trusted.key"));
  auto body = server.body();
  auto r = fetch_now("https://localhost:" + std::to_string(server.port()) + "/out");
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "secret answer");
  EXPECT_EQ(body.get(), "the payload");
}

TEST_F(HttpsFetchTest, AnUntrustedCertificateFailsBeforeAnythingIsSent) {
  TlsServer server(path("stranger.pem"), path("stranger.key"));
  auto r = fetch_now("https://localhost:" + std::to_string(server.port()) + "/out");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error.rfind("tls: ", 0), 0u) << r.error;
}

TEST_F(HttpsFetchTest, ACertificateForAnotherNameFails) {
  TlsServer server(path("trusted.pem"), path("trusted.key"));
  auto r = fetch_now("https://127.0.0.1:" + std::to_string(server.port()) + "/out");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error.rfind("tls: ", 0), 0u) << r.error;
}

}  // namespace
}  // namespace touchpoint::server
