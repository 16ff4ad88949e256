#include "server/outbound_media_route.hpp"

#include "protocol/http_field.hpp"
#include "protocol/outbound_media.hpp"
#include "server/http_routes.hpp"

namespace touchpoint::server {

void outbound_media(App& app, const HttpRequest& req, std::string_view token, const Respond& respond) {
  if (req.method != "GET") return respond(error_response({Errc::method_not_allowed, "only GET"}));
  auto id = protocol::outbound_media_attachment(app.secret, token, app.now());
  if (!id) return respond(error_response({Errc::not_found, "no such file, or its link expired"}));
  bool queued = app.readers.submit<StoredFile>(
      [id = *id](storage::TicketReader& r) { return r.sent_attachment(id); },
      [respond](Result<StoredFile> f) {
        if (!f) return respond(error_response(f.error()));
        // The type the provider reads to send it (an image, a PDF); rendered by no browser:
        // a download, sandboxed, never sniffed.
        HttpResponse r{200, protocol::media_type_or_bytes(f->content_type), std::move(f->bytes), {}};
        r.headers = {{"Content-Disposition", "attachment"},
                     {"X-Content-Type-Options", "nosniff"},
                     {"Content-Security-Policy", "sandbox; default-src 'none'"},
                     {"Cache-Control", "no-store"},
                     {"Referrer-Policy", "no-referrer"}};
        respond(std::move(r));
      });
  if (!queued) respond(error_response({Errc::unavailable, "the store is busy; try again"}));
}

}  // namespace touchpoint::server
