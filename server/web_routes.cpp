#include "server/web_routes.hpp"

#include "server/http_routes.hpp"
#include "server/web_assets.hpp"

namespace touchpoint::server {
namespace {

// Scripts and styles only from our own files; customer HTML is shown in a sandboxed srcdoc
// frame, which inherits this policy (no scripts, no styles of its own, nothing remote but the
// https images an agent asked to load: the console leaves them out until then).
constexpr const char* kConsoleCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
    "connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

const WebFile* find(std::string_view path) {
  for (const auto& f : web_files())
    if (f.path == path) return &f;
  return nullptr;
}

HttpResponse page() {
  const WebFile* index = find("/index.html");
  HttpResponse r{200, "text/html; charset=utf-8",
                 index ? std::string(index->body)
                       : std::string("<!doctype html><title>Touchpoint</title><p>This build has no web "
                                     "console (built with -DTOUCHPOINT_WEB=OFF).</p>"),
                 {}};
  r.headers.emplace_back("Content-Security-Policy", kConsoleCsp);
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("Referrer-Policy", "same-origin");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  return r;
}

}  // namespace

void web_route(App&, const HttpRequest& req, std::string_view path, const Respond& respond) {
  if (req.method != "GET" && req.method != "HEAD") {
    HttpResponse r = error_response({Errc::method_not_allowed, "only GET here"});
    r.headers.emplace_back("Allow", "GET, HEAD");
    return respond(std::move(r));
  }
  if (path.substr(0, 8) == "/assets/") {
    const WebFile* f = find(path);
    if (!f) return respond(error_response({Errc::not_found, "no such file"}));
    HttpResponse r{200, std::string(f->content_type), std::string(f->body), {}};
    // Names carry their content's hash: a new build is new names, so these never go stale.
    r.headers.emplace_back("Cache-Control", "public, max-age=31536000, immutable");
    return respond(std::move(r));
  }
  respond(page());
}

}  // namespace touchpoint::server
