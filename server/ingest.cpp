#include "server/ingest.hpp"

#include "protocol/email_parse.hpp"
#include "protocol/live_events.hpp"
#include "storage/attachment_store.hpp"

namespace touchpoint::server {

Status write_files_ahead(App& app, std::vector<InboundContact>& contacts) {
  auto files = storage::AttachmentStore::of_store(app.data_dir);
  for (auto& c : contacts) {
    if (c.email && c.email->raw_sha256.empty() && !c.email->raw.empty()) {
      auto h = files.put(c.email->raw, storage::AttachmentStore::Sync::deferred);
      if (!h) return h.error();
      c.email->raw_sha256 = h.value();
      c.email->raw.clear();  // the writer needs only its hash
    }
    for (auto& a : c.attachments) {
      if (!a.sha256.empty()) continue;
      auto h = files.put(a.data, storage::AttachmentStore::Sync::deferred);
      if (!h) return h.error();
      a.sha256 = h.value();
    }
  }
  return ok();
}

void announce_inbound(App& app, std::string_view type, const Recorded& rec) {
  app.metrics.ingested(type, rec.duplicate);
  if (rec.duplicate) return;
  app.hub.publish(rec.ticket_created ? "ticket.created" : "ticket.updated", protocol::live_ticket(rec.ticket_id));
  app.hub.publish("message.created", protocol::live_message(rec.ticket_id, rec.message_id, "in", "customer", false));
}

void commit_inbound(App& app, std::string type, std::string name, WebhookBatch batch,
                    std::function<Status(storage::TicketStore&)> also,
                    std::function<void(Status)> done) {
  for (auto& c : batch.contacts) protocol::flag_own_mail(c, app.email_routes);
  if (auto written = write_files_ahead(app, batch.contacts); !written)
    return done(Error{Errc::unavailable, "cannot keep the files: " + written.error().message});
  bool queued = app.writer.submit<storage::WebhookRecorded>(
      [name, b = std::move(batch), also = std::move(also)](
          storage::TicketStore& s) -> Result<storage::WebhookRecorded> {
        auto recorded = s.record_webhook(name, b);
        if (!recorded || !also) return recorded;
        if (auto a = also(s); !a) return a.error();
        return recorded;
      },
      [done, &app, type](Result<storage::WebhookRecorded> r) {
        if (!r) return done(r.error());
        for (const Recorded& rec : r->contacts) announce_inbound(app, type, rec);
        if (r->media_queued) app.nudge_media();
        for (const auto& d : r->deliveries)
          app.hub.publish("message.delivery_updated",
                          protocol::live_delivery(d.ticket_id, d.message_id, d.status,
                                                  d.error.empty() ? std::nullopt
                                                                  : std::optional<std::string>(d.error)));
        done(ok());
      });
  if (!queued) {
    app.metrics.overloaded();
    done(Error{Errc::unavailable, "too many writes queued; retry shortly"});
  }
}

}  // namespace touchpoint::server
