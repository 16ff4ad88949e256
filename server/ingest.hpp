#pragma once
// The one way inbound contacts reach the store, whatever brought them (a provider webhook, the
// IMAP poller): commit, then count, then push live events.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/messaging.hpp"
#include "protocol/result.hpp"
#include "server/app.hpp"

namespace touchpoint::server {

// Commits batch on channel type/name. Its files (raw mail, attachments) are written first, in
// the calling thread: with mail, call it off the io threads (app.blocking, the IMAP poller).
// also (may be empty) runs in the same writer job, so it
// lands in the same COMMIT (the IMAP cursor). done runs once, on the writer thread: ok after
// the COMMIT returned; unavailable when the store cannot take it now (nothing was stored);
// another error for a contact the store refused.
void commit_inbound(App& app, std::string type, std::string name, WebhookBatch batch,
                    std::function<Status(storage::TicketStore&)> also,
                    std::function<void(Status)> done);

// Writes each contact's raw mail and attachments to the attachment store, before the writer
// sees them, so the one writer thread never waits on large writes: the writer syncs them once
// per commit group, before the COMMIT that names them. Sets their hashes; drops the raw bytes
// (the writer needs only the hash). Blocks: call it off the io threads.
Status write_files_ahead(App& app, std::vector<InboundContact>& contacts);

// Counts one stored contact and, unless it was a duplicate (a retry pushes nothing), tells the
// consoles: ticket.created or ticket.updated, then message.created.
void announce_inbound(App& app, std::string_view type, const Recorded& recorded);

}  // namespace touchpoint::server
