// The schema, versioned by PRAGMA user_version. Append a migration; never edit a shipped one.
//
// Times are INTEGER unix seconds (UTC): compact, sortable, formatted as RFC 3339 at the edge.
// The timeline of a ticket or customer is its messages plus its events: every state change
// (ticket created, status changed, customer created, identity added, ...) is an events row
// with actor and time, written in the same transaction as the change. A received message is
// its own record and is not duplicated as an event (one less row and two fewer index writes
// per message on the hot path).
#include "storage/schema.hpp"

#include <string>

#include "storage/sqlite.hpp"

namespace touchpoint::storage {
namespace {

const char* const kMigrations[] = {
    // v1: the core ticket store.
    R"sql(
CREATE TABLE customers(
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  merged_into INTEGER REFERENCES customers(id)  -- set while merged into another customer
);
CREATE TABLE identities(
  id          INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  type        TEXT NOT NULL,
  address     TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  UNIQUE(type, address)
);
CREATE INDEX identities_by_customer ON identities(customer_id);

CREATE TABLE groups(
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  created_at  INTEGER NOT NULL
);
CREATE TABLE agents(
  id            INTEGER PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE,
  name          TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('agent','supervisor','admin')),
  password_hash TEXT NOT NULL,
  active        INTEGER NOT NULL DEFAULT 1,
  created_at    INTEGER NOT NULL
);

CREATE TABLE tickets(
  id                INTEGER PRIMARY KEY,
  subject           TEXT NOT NULL DEFAULT '',
  status            TEXT NOT NULL
                    CHECK (status IN ('new','open','pending','on_hold','solved','closed')),
  priority          TEXT NOT NULL DEFAULT 'normal'
                    CHECK (priority IN ('low','normal','high','urgent')),
  channel_type      TEXT NOT NULL,
  channel_name      TEXT NOT NULL,
  thread_key        TEXT NOT NULL,
  customer_id       INTEGER NOT NULL REFERENCES customers(id),
  group_id          INTEGER REFERENCES groups(id),
  assignee_id       INTEGER REFERENCES agents(id),
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  -- Unique and increasing with every change: the queue's sort key. Seconds tie by the
  -- thousand under load; a cursor on a unique key seeks exactly.
  activity          INTEGER NOT NULL,
  first_response_at INTEGER,
  solved_at         INTEGER,
  merged_into       INTEGER REFERENCES tickets(id)  -- set when merged: closed, lives on there
);
-- The newest ticket of a thread (few per thread): open, closed, or merged into another.
CREATE INDEX tickets_by_thread ON tickets(channel_name, thread_key, id);
-- The agent queue: one status, most recently active first, paged by activity.
CREATE INDEX tickets_queue ON tickets(status, activity);
CREATE INDEX tickets_by_customer ON tickets(customer_id, id);
CREATE TABLE ticket_tags(
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  tag       TEXT NOT NULL,
  PRIMARY KEY(ticket_id, tag)
) WITHOUT ROWID;

CREATE TABLE messages(
  id              INTEGER PRIMARY KEY,
  ticket_id       INTEGER NOT NULL REFERENCES tickets(id),
  direction       TEXT NOT NULL CHECK (direction IN ('in','out')),
  author          TEXT NOT NULL CHECK (author IN ('customer','agent','system')),
  author_agent_id INTEGER REFERENCES agents(id),
  internal        INTEGER NOT NULL DEFAULT 0,
  body            TEXT NOT NULL,
  html            TEXT,
  channel_type    TEXT NOT NULL,
  channel_name    TEXT NOT NULL,
  external_id     TEXT,
  -- 64-bit hash of (channel_name, external_id). The dedup index holds 8 bytes a row instead of
  -- a random-key text; the full id is compared on a hit.
  dedup_key       INTEGER,
  delivery_status TEXT CHECK (delivery_status IN ('queued','sent','delivered','read','failed')),
  delivery_error  TEXT,
  sent_at         INTEGER,
  created_at      INTEGER NOT NULL
);
CREATE INDEX messages_by_ticket ON messages(ticket_id, id);
CREATE INDEX messages_dedup ON messages(dedup_key) WHERE dedup_key IS NOT NULL;

-- Attachment bytes live content-addressed under the data directory, not in rows.
CREATE TABLE attachments(
  id           INTEGER PRIMARY KEY,
  message_id   INTEGER NOT NULL REFERENCES messages(id),
  filename     TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size         INTEGER NOT NULL,
  sha256       TEXT NOT NULL
);
CREATE INDEX attachments_by_message ON attachments(message_id);

-- Append-only: every change with actor and time.
CREATE TABLE events(
  id          INTEGER PRIMARY KEY,
  ticket_id   INTEGER REFERENCES tickets(id),
  customer_id INTEGER REFERENCES customers(id),
  type        TEXT NOT NULL,
  actor_type  TEXT NOT NULL CHECK (actor_type IN ('customer','agent','system')),
  actor_id    INTEGER,
  message_id  INTEGER,
  old_value   TEXT,
  new_value   TEXT,
  created_at  INTEGER NOT NULL
);
CREATE INDEX events_by_ticket ON events(ticket_id, id) WHERE ticket_id IS NOT NULL;
CREATE INDEX events_by_customer ON events(customer_id, id) WHERE customer_id IS NOT NULL;
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

-- Live counters kept in the write transaction: a queue count is a row read, never COUNT(*).
CREATE TABLE status_counts(status TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO status_counts(status, n) VALUES
  ('new',0),('open',0),('pending',0),('on_hold',0),('solved',0),('closed',0);
)sql",

    // v2: bearer tokens: console sessions and admin-created API tokens. Only a SHA-256 of each
    // token is stored, so a stolen database yields no usable credential.
    R"sql(
CREATE TABLE auth_tokens(
  id          INTEGER PRIMARY KEY,
  token_hash  TEXT NOT NULL UNIQUE,
  agent_id    INTEGER NOT NULL REFERENCES agents(id),
  kind        TEXT NOT NULL CHECK (kind IN ('session','api')),
  role        TEXT NOT NULL CHECK (role IN ('agent','supervisor','admin')),
  name        TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER,
  revoked_at  INTEGER
);
CREATE INDEX auth_tokens_by_agent ON auth_tokens(agent_id);

-- The outbox: a public agent reply is written in the same transaction as its row here, so a
-- reply is either both stored and due to be sent, or neither. The dispatcher sends due rows.
CREATE TABLE outbox(
  id              INTEGER PRIMARY KEY,
  message_id      INTEGER NOT NULL UNIQUE REFERENCES messages(id),
  channel_type    TEXT NOT NULL,
  channel_name    TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('pending','sent','failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT,
  created_at      INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE state = 'pending';

-- Customer merges, kept so they can be undone exactly: what moved is listed item by item.
CREATE TABLE customer_merges(
  id         INTEGER PRIMARY KEY,
  source_id  INTEGER NOT NULL REFERENCES customers(id),
  target_id  INTEGER NOT NULL REFERENCES customers(id),
  actor_id   INTEGER,
  created_at INTEGER NOT NULL,
  undone_at  INTEGER
);
CREATE INDEX customer_merges_by_source ON customer_merges(source_id, id);
CREATE TABLE customer_merge_items(
  merge_id  INTEGER NOT NULL REFERENCES customer_merges(id),
  kind      TEXT NOT NULL CHECK (kind IN ('identity','ticket')),
  item_id   INTEGER NOT NULL,
  old_value TEXT,  -- a ticket's thread key before it was rekeyed to the target
  PRIMARY KEY(merge_id, kind, item_id)
) WITHOUT ROWID;
)sql",

    // v3: full-text search over message bodies and ticket subjects. External-content FTS5
    // indexes (the text lives once, in messages and tickets), written by the same transaction
    // as the row they index. unicode61 folds case and diacritics: "perche" finds "perché".
    // detail=none: queries are whole words ANDed, never phrases, so positions are not stored
    // (a smaller index and fewer bytes written per message).
    R"sql(
CREATE VIRTUAL TABLE message_search USING fts5(body, content='messages', content_rowid='id',
  tokenize='unicode61 remove_diacritics 2', detail=none);
CREATE VIRTUAL TABLE subject_search USING fts5(subject, content='tickets', content_rowid='id',
  tokenize='unicode61 remove_diacritics 2', detail=none);
INSERT INTO message_search(message_search) VALUES ('rebuild');
INSERT INTO subject_search(subject_search) VALUES ('rebuild');
)sql",

    // v4: messaging receipts. A provider may report on a message before our commit of its
    // provider id returned (it answers the send and calls the webhook at once): such receipts
    // wait here and are applied when the id is recorded. Kept a day at most.
    R"sql(
CREATE TABLE early_receipts(
  channel_name TEXT NOT NULL,
  provider_id  TEXT NOT NULL,
  status       TEXT NOT NULL,
  error        TEXT,
  created_at   INTEGER NOT NULL,
  PRIMARY KEY(channel_name, provider_id, status)
) WITHOUT ROWID;
CREATE INDEX early_receipts_by_age ON early_receipts(created_at);
)sql",

    // v5: media a customer sent on a messaging channel, downloaded from the provider after the
    // message is acknowledged. One durable job per file, retried with backoff like the outbox.
    R"sql(
CREATE TABLE media_jobs(
  id              INTEGER PRIMARY KEY,
  message_id      INTEGER NOT NULL REFERENCES messages(id),
  channel_type    TEXT NOT NULL,
  channel_name    TEXT NOT NULL,
  kind            TEXT NOT NULL,
  ref             TEXT NOT NULL,  -- media id, file id or URL, as the provider gave it
  content_type    TEXT NOT NULL,
  filename        TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('pending','stored','failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT,
  created_at      INTEGER NOT NULL
);
CREATE INDEX media_jobs_due ON media_jobs(next_attempt_at) WHERE state = 'pending';
)sql",

    // v6: how a reply is sent beyond its text: the approved template and its parameters
    // (WhatsApp), or the message tag (Messenger, Instagram). JSON; NULL for a plain reply.
    R"sql(
ALTER TABLE messages ADD COLUMN send_options TEXT;
)sql",

    // v7: mail. The raw message as received (content-addressed in the attachment store), the
    // whole text when the body shown is only the reply part, the threading rule that placed
    // it, and why it must never trigger an automatic message.
    R"sql(
ALTER TABLE messages ADD COLUMN raw_sha256 TEXT;
ALTER TABLE messages ADD COLUMN full_body TEXT;
ALTER TABLE messages ADD COLUMN thread_rule TEXT;
ALTER TABLE messages ADD COLUMN automatic TEXT;
)sql",

    // v8: customers found by name ("ada lov" → Ada Lovelace). Triggers keep the index in the
    // transaction of every insert and rename, whichever code path makes them.
    R"sql(
CREATE VIRTUAL TABLE customer_search USING fts5(name, content='customers', content_rowid='id',
  tokenize='unicode61 remove_diacritics 2', prefix='1 2 3');
INSERT INTO customer_search(customer_search) VALUES ('rebuild');
CREATE TRIGGER customers_indexed AFTER INSERT ON customers BEGIN
  INSERT INTO customer_search(rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER customers_reindexed AFTER UPDATE OF name ON customers BEGIN
  INSERT INTO customer_search(customer_search, rowid, name) VALUES ('delete', old.id, old.name);
  INSERT INTO customer_search(rowid, name) VALUES (new.id, new.name);
END;
)sql",
    // v9: where each IMAP mailbox was read up to. A new UIDVALIDITY means the server renumbered
    // the mailbox: it is read again from the start (what was stored is found as duplicates).
    R"sql(
CREATE TABLE imap_cursors(
  channel_name TEXT PRIMARY KEY,
  uidvalidity  INTEGER NOT NULL,
  last_uid     INTEGER NOT NULL
);
)sql",
    // v10: Idempotency-Key of agent replies, per agent, so a reply retried after its answer was
    // lost is not sent twice.
    R"sql(
CREATE TABLE reply_keys(
  agent_id   INTEGER NOT NULL,
  key        TEXT NOT NULL,
  message_id INTEGER NOT NULL REFERENCES messages(id),
  created_at INTEGER NOT NULL,
  PRIMARY KEY(agent_id, key)
) WITHOUT ROWID;
)sql",
    // v11: SLA clocks, queue counters and service samples (the SLA and statistics issue).
    R"sql(
-- Each ticket's SLA clock as computed in the write transaction at its last change or deadline.
CREATE TABLE ticket_sla(
  ticket_id     INTEGER PRIMARY KEY REFERENCES tickets(id),
  policy        TEXT NOT NULL,
  flag          TEXT NOT NULL CHECK (flag IN ('ok','at_risk','breached')),
  activity      INTEGER NOT NULL,  -- the ticket's: the flagged queue pages in the queue's order
  next_deadline INTEGER,           -- the next warning or breach moment: one timer waits for it
  snapshot      TEXT NOT NULL      -- protocol::SlaSnapshot
);
CREATE INDEX ticket_sla_due ON ticket_sla(next_deadline) WHERE next_deadline IS NOT NULL;
CREATE INDEX ticket_sla_flagged ON ticket_sla(flag, activity) WHERE flag <> 'ok';

CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

-- The oldest customer message no agent has answered yet, per ticket (null: nobody waits).
ALTER TABLE tickets ADD COLUMN waiting_since INTEGER;
CREATE INDEX tickets_waiting ON tickets(waiting_since) WHERE waiting_since IS NOT NULL;
UPDATE tickets SET waiting_since = (
  SELECT min(m.created_at) FROM messages m
  WHERE m.ticket_id = tickets.id AND m.direction = 'in' AND m.automatic IS NULL
    AND m.id > coalesce((SELECT max(o.id) FROM messages o WHERE o.ticket_id = tickets.id
                         AND o.direction = 'out' AND o.internal = 0), 0))
WHERE status NOT IN ('solved', 'closed');

-- Open tickets (every status but solved and closed) by priority, channel type, group and
-- unassigned, and SLA flags: kept by triggers in the write transaction, whatever path changed
-- a ticket, so a statistic is a handful of row reads, never a scan.
CREATE TABLE queue_counts(
  dim TEXT NOT NULL,  -- priority | channel | group (id, '' for none) | unassigned | sla
  key TEXT NOT NULL,
  n   INTEGER NOT NULL,
  PRIMARY KEY(dim, key)
) WITHOUT ROWID;
INSERT INTO queue_counts(dim, key, n)
  SELECT 'priority', priority, count(*) FROM tickets WHERE status NOT IN ('solved','closed') GROUP BY priority;
INSERT INTO queue_counts(dim, key, n)
  SELECT 'channel', channel_type, count(*) FROM tickets WHERE status NOT IN ('solved','closed') GROUP BY channel_type;
INSERT INTO queue_counts(dim, key, n)
  SELECT 'group', CAST(coalesce(group_id, '') AS TEXT), count(*) FROM tickets
  WHERE status NOT IN ('solved','closed') GROUP BY 2;
INSERT INTO queue_counts(dim, key, n)
  SELECT 'unassigned', '', count(*) FROM tickets WHERE status NOT IN ('solved','closed') AND assignee_id IS NULL;

CREATE TRIGGER tickets_counted AFTER INSERT ON tickets WHEN NEW.status NOT IN ('solved','closed')
BEGIN
  INSERT INTO queue_counts VALUES ('priority', NEW.priority, 1) ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO queue_counts VALUES ('channel', NEW.channel_type, 1) ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO queue_counts VALUES ('group', CAST(coalesce(NEW.group_id, '') AS TEXT), 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO queue_counts SELECT 'unassigned', '', 1 WHERE NEW.assignee_id IS NULL
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER tickets_recounted AFTER UPDATE OF status, priority, group_id, assignee_id ON tickets
BEGIN
  UPDATE queue_counts SET n = n - 1 WHERE OLD.status NOT IN ('solved','closed') AND (
    (dim = 'priority' AND key = OLD.priority) OR (dim = 'channel' AND key = OLD.channel_type) OR
    (dim = 'group' AND key = CAST(coalesce(OLD.group_id, '') AS TEXT)) OR
    (dim = 'unassigned' AND OLD.assignee_id IS NULL));
  INSERT INTO queue_counts SELECT 'priority', NEW.priority, 1 WHERE NEW.status NOT IN ('solved','closed')
    ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO queue_counts SELECT 'channel', NEW.channel_type, 1 WHERE NEW.status NOT IN ('solved','closed')
    ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO queue_counts SELECT 'group', CAST(coalesce(NEW.group_id, '') AS TEXT), 1
    WHERE NEW.status NOT IN ('solved','closed') ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO queue_counts SELECT 'unassigned', '', 1
    WHERE NEW.status NOT IN ('solved','closed') AND NEW.assignee_id IS NULL
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER ticket_sla_counted AFTER INSERT ON ticket_sla WHEN NEW.flag <> 'ok'
BEGIN
  INSERT INTO queue_counts VALUES ('sla', NEW.flag, 1) ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER ticket_sla_recounted AFTER UPDATE OF flag ON ticket_sla WHEN OLD.flag <> NEW.flag
BEGIN
  UPDATE queue_counts SET n = n - 1 WHERE dim = 'sla' AND key = OLD.flag;
  INSERT INTO queue_counts SELECT 'sla', NEW.flag, 1 WHERE NEW.flag <> 'ok'
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER ticket_sla_uncounted AFTER DELETE ON ticket_sla WHEN OLD.flag <> 'ok'
BEGIN
  UPDATE queue_counts SET n = n - 1 WHERE dim = 'sla' AND key = OLD.flag;
END;

-- What service was given, one row per fact, by UTC day: a ticket received, a first reply (with
-- its seconds), a ticket solved (with its resolution seconds), a reopen, an SLA target met or
-- breached. The live statistics' "today" and the service reports read the same rows, so they
-- can never disagree. Written by triggers and by the SLA clock, in the write transaction.
CREATE TABLE service_samples(
  id           INTEGER PRIMARY KEY,
  day          INTEGER NOT NULL,  -- unix seconds / 86400
  metric       TEXT NOT NULL CHECK (metric IN ('received','first_reply','solved','reopened','sla_met','sla_breached')),
  seconds      INTEGER,           -- first_reply and solved: how long it took
  ticket_id    INTEGER NOT NULL,
  channel_type TEXT NOT NULL,
  group_id     INTEGER,
  assignee_id  INTEGER
);
CREATE INDEX service_samples_by_day ON service_samples(day, metric, seconds);
INSERT INTO service_samples(day, metric, seconds, ticket_id, channel_type, group_id, assignee_id)
  SELECT created_at / 86400, 'received', NULL, id, channel_type, group_id, assignee_id FROM tickets;
INSERT INTO service_samples(day, metric, seconds, ticket_id, channel_type, group_id, assignee_id)
  SELECT first_response_at / 86400, 'first_reply', max(first_response_at - created_at, 0), id,
         channel_type, group_id, assignee_id FROM tickets WHERE first_response_at IS NOT NULL;
INSERT INTO service_samples(day, metric, seconds, ticket_id, channel_type, group_id, assignee_id)
  SELECT solved_at / 86400, 'solved', max(solved_at - created_at, 0), id, channel_type, group_id,
         assignee_id FROM tickets WHERE solved_at IS NOT NULL;

CREATE TRIGGER tickets_received AFTER INSERT ON tickets
BEGIN
  INSERT INTO service_samples(day, metric, seconds, ticket_id, channel_type, group_id, assignee_id)
  VALUES (NEW.created_at / 86400, 'received', NULL, NEW.id, NEW.channel_type, NEW.group_id, NEW.assignee_id);
END;
CREATE TRIGGER tickets_first_replied AFTER UPDATE OF first_response_at ON tickets
  WHEN OLD.first_response_at IS NULL AND NEW.first_response_at IS NOT NULL
BEGIN
  INSERT INTO service_samples(day, metric, seconds, ticket_id, channel_type, group_id, assignee_id)
  VALUES (NEW.first_response_at / 86400, 'first_reply', max(NEW.first_response_at - NEW.created_at, 0),
          NEW.id, NEW.channel_type, NEW.group_id, NEW.assignee_id);
END;
CREATE TRIGGER tickets_solved AFTER UPDATE OF status ON tickets
  WHEN NEW.status = 'solved' AND OLD.status <> 'solved'
BEGIN
  INSERT INTO service_samples(day, metric, seconds, ticket_id, channel_type, group_id, assignee_id)
  VALUES (coalesce(NEW.solved_at, NEW.updated_at) / 86400, 'solved',
          max(coalesce(NEW.solved_at, NEW.updated_at) - NEW.created_at, 0),
          NEW.id, NEW.channel_type, NEW.group_id, NEW.assignee_id);
END;
CREATE TRIGGER tickets_reopened AFTER UPDATE OF status ON tickets
  WHEN OLD.status = 'solved' AND NEW.status NOT IN ('solved', 'closed')
BEGIN
  INSERT INTO service_samples(day, metric, seconds, ticket_id, channel_type, group_id, assignee_id)
  VALUES (NEW.updated_at / 86400, 'reopened', NULL, NEW.id, NEW.channel_type, NEW.group_id, NEW.assignee_id);
END;
)sql",
    // v12: satisfaction surveys (the surveys and experience record issue).
    R"sql(
-- One survey per solved ticket: scheduled at solve, decided when due (sent or skipped with a
-- reason), answered on the page or in the conversation. A reopen or merge before it is due
-- skips it. group_id and agent_id are the ticket's when it was solved (the satisfaction
-- report's keys). The customer is the ticket's (so a customer merge carries their surveys).
CREATE TABLE surveys(
  id           INTEGER PRIMARY KEY,
  ticket_id    INTEGER NOT NULL REFERENCES tickets(id),
  channel_type TEXT NOT NULL,
  channel_name TEXT NOT NULL,
  thread_key   TEXT NOT NULL,
  group_id     INTEGER,
  agent_id     INTEGER,
  kind         TEXT NOT NULL CHECK (kind IN ('csat','nps','ces')),
  language     TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('scheduled','sent','answered','skipped')),
  -- A conversation: what the customer's next message is taken as ('score', then 'reason');
  -- null once it is over (or on email).
  step         TEXT CHECK (step IN ('score','reason')),
  due_at       INTEGER NOT NULL,  -- scheduled: when it is decided
  token        TEXT UNIQUE,       -- the page's; at least 128 random bits
  score        INTEGER,
  comment      TEXT,
  reason       TEXT,              -- skipped: why
  created_at   INTEGER NOT NULL,
  sent_at      INTEGER,
  answered_at  INTEGER,
  expires_at   INTEGER
);
CREATE INDEX surveys_due ON surveys(due_at) WHERE status = 'scheduled';
CREATE INDEX surveys_by_ticket ON surveys(ticket_id, id);
CREATE INDEX surveys_by_sent ON surveys(sent_at) WHERE sent_at IS NOT NULL;
-- The conversation a customer's next message may be answering.
CREATE INDEX surveys_in_conversation ON surveys(channel_name, thread_key) WHERE step IS NOT NULL;
)sql",
    // v13: each customer's journey, for the experience record.
    R"sql(
-- Every contact, public reply, status change, SLA breach and survey of a customer's tickets,
-- one row each, written by triggers in the transaction that records the fact, whatever path
-- wrote it. customer_id follows the ticket (a customer merge or unmerge moves the rows with
-- it), so one index serves the journey newest first and another the per-channel and per-type
-- figures without a scan of anything but this customer's rows.
CREATE TABLE journey(
  id          INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL,
  ticket_id   INTEGER NOT NULL,
  at          INTEGER NOT NULL,
  type        TEXT NOT NULL CHECK (type IN ('contact','reply','status_change','sla_breach',
                                            'survey_sent','survey_answered')),
  channel     TEXT NOT NULL,  -- the channel type
  summary     TEXT NOT NULL,
  old_value   TEXT,           -- status changes: from, to
  new_value   TEXT
);
CREATE INDEX journey_by_customer ON journey(customer_id, id);
CREATE INDEX journey_figures ON journey(customer_id, type, channel, at);
CREATE INDEX journey_by_ticket ON journey(ticket_id);

INSERT INTO journey(customer_id, ticket_id, at, type, channel, summary, old_value, new_value)
SELECT customer_id, ticket_id, at, type, channel, summary, old_value, new_value FROM (
  SELECT t.customer_id, m.ticket_id, m.created_at AS at, m.id * 2 AS ord,
         CASE m.direction WHEN 'in' THEN 'contact' ELSE 'reply' END AS type, m.channel_type AS channel,
         substr(m.body, 1, 160) AS summary, NULL AS old_value, NULL AS new_value
  FROM messages m JOIN tickets t ON t.id = m.ticket_id
  WHERE m.internal = 0 AND m.automatic IS NULL AND (m.direction = 'in' OR m.author = 'agent')
  UNION ALL
  SELECT t.customer_id, e.ticket_id, e.created_at, e.id * 2 + 1,
         CASE e.type WHEN 'ticket.status_changed' THEN 'status_change'
                     WHEN 'sla.breached' THEN 'sla_breach'
                     WHEN 'survey.sent' THEN 'survey_sent' ELSE 'survey_answered' END,
         t.channel_type,
         CASE e.type WHEN 'ticket.status_changed' THEN coalesce(e.old_value, '') || ' → ' || coalesce(e.new_value, '')
                     WHEN 'sla.breached' THEN coalesce(e.new_value, '') || ' target missed'
                     WHEN 'survey.sent' THEN 'survey sent'
                     ELSE 'score ' || coalesce(e.new_value, '') END,
         CASE e.type WHEN 'ticket.status_changed' THEN e.old_value END,
         CASE e.type WHEN 'ticket.status_changed' THEN e.new_value END
  FROM events e JOIN tickets t ON t.id = e.ticket_id
  WHERE e.type IN ('ticket.status_changed', 'sla.breached', 'survey.sent', 'survey.answered')
) ORDER BY at, ord;

-- A customer's own words and the agents' public replies; automatic mail (auto-replies,
-- bounces) and survey answers are not contacts.
CREATE TRIGGER journey_messages AFTER INSERT ON messages
  WHEN NEW.internal = 0 AND NEW.automatic IS NULL AND (NEW.direction = 'in' OR NEW.author = 'agent')
BEGIN
  INSERT INTO journey(customer_id, ticket_id, at, type, channel, summary)
  SELECT customer_id, NEW.ticket_id, NEW.created_at,
         CASE NEW.direction WHEN 'in' THEN 'contact' ELSE 'reply' END,
         NEW.channel_type, substr(NEW.body, 1, 160)
  FROM tickets WHERE id = NEW.ticket_id;
END;
CREATE TRIGGER journey_events AFTER INSERT ON events
  WHEN NEW.ticket_id IS NOT NULL AND
       NEW.type IN ('ticket.status_changed', 'sla.breached', 'survey.sent', 'survey.answered')
BEGIN
  INSERT INTO journey(customer_id, ticket_id, at, type, channel, summary, old_value, new_value)
  SELECT customer_id, NEW.ticket_id, NEW.created_at,
         CASE NEW.type WHEN 'ticket.status_changed' THEN 'status_change'
                       WHEN 'sla.breached' THEN 'sla_breach'
                       WHEN 'survey.sent' THEN 'survey_sent' ELSE 'survey_answered' END,
         channel_type,
         CASE NEW.type WHEN 'ticket.status_changed' THEN coalesce(NEW.old_value, '') || ' → ' || coalesce(NEW.new_value, '')
                       WHEN 'sla.breached' THEN coalesce(NEW.new_value, '') || ' target missed'
                       WHEN 'survey.sent' THEN 'survey sent'
                       ELSE 'score ' || coalesce(NEW.new_value, '') END,
         CASE NEW.type WHEN 'ticket.status_changed' THEN NEW.old_value END,
         CASE NEW.type WHEN 'ticket.status_changed' THEN NEW.new_value END
  FROM tickets WHERE id = NEW.ticket_id;
END;
CREATE TRIGGER journey_follows_ticket AFTER UPDATE OF customer_id ON tickets
  WHEN OLD.customer_id <> NEW.customer_id
BEGIN
  UPDATE journey SET customer_id = NEW.customer_id WHERE ticket_id = NEW.id;
END;
)sql",
    // v14: work distribution (the assignment issue): group members, each agent's open
    // tickets counted in the write transaction, the waiting tickets in their order.
    R"sql(
CREATE TABLE group_members(
  group_id INTEGER NOT NULL REFERENCES groups(id),
  agent_id INTEGER NOT NULL REFERENCES agents(id),
  PRIMARY KEY(group_id, agent_id)
) WITHOUT ROWID;
CREATE INDEX group_members_by_agent ON group_members(agent_id);

-- Open tickets waiting for an agent, oldest first (automatic assignment takes them in turn).
CREATE INDEX tickets_waiting_for_agent ON tickets(created_at, id)
  WHERE assignee_id IS NULL AND status NOT IN ('solved', 'closed');

INSERT INTO queue_counts(dim, key, n)
  SELECT 'assignee', CAST(assignee_id AS TEXT), count(*) FROM tickets
  WHERE status NOT IN ('solved','closed') AND assignee_id IS NOT NULL GROUP BY assignee_id;

DROP TRIGGER tickets_counted;
CREATE TRIGGER tickets_counted AFTER INSERT ON tickets WHEN NEW.status NOT IN ('solved','closed')
BEGIN
  INSERT INTO queue_counts VALUES ('priority', NEW.priority, 1) ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO queue_counts VALUES ('channel', NEW.channel_type, 1) ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO queue_counts VALUES ('group', CAST(coalesce(NEW.group_id, '') AS TEXT), 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO queue_counts SELECT 'unassigned', '', 1 WHERE NEW.assignee_id IS NULL
    ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO queue_counts SELECT 'assignee', CAST(NEW.assignee_id AS TEXT), 1
    WHERE NEW.assignee_id IS NOT NULL ON CONFLICT DO UPDATE SET n = n + 1;
END;
DROP TRIGGER tickets_recounted;
CREATE TRIGGER tickets_recounted AFTER UPDATE OF status, priority, group_id, assignee_id ON tickets
BEGIN
  UPDATE queue_counts SET n = n - 1 WHERE OLD.status NOT IN ('solved','closed') AND (
    (dim = 'priority' AND key = OLD.priority) OR (dim = 'channel' AND key = OLD.channel_type) OR
    (dim = 'group' AND key = CAST(coalesce(OLD.group_id, '') AS TEXT)) OR
    (dim = 'unassigned' AND OLD.assignee_id IS NULL) OR
    (dim = 'assignee' AND key = CAST(OLD.assignee_id AS TEXT)));
  INSERT INTO queue_counts SELECT 'priority', NEW.priority, 1 WHERE NEW.status NOT IN ('solved','closed')
    ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO queue_counts SELECT 'channel', NEW.channel_type, 1 WHERE NEW.status NOT IN ('solved','closed')
    ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO queue_counts SELECT 'group', CAST(coalesce(NEW.group_id, '') AS TEXT), 1
    WHERE NEW.status NOT IN ('solved','closed') ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO queue_counts SELECT 'unassigned', '', 1
    WHERE NEW.status NOT IN ('solved','closed') AND NEW.assignee_id IS NULL
    ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO queue_counts SELECT 'assignee', CAST(NEW.assignee_id AS TEXT), 1
    WHERE NEW.status NOT IN ('solved','closed') AND NEW.assignee_id IS NOT NULL
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
)sql",
    // v15: canned replies (macros): shared (owner_agent_id NULL, an admin's) or an agent's own.
    R"sql(
CREATE TABLE macros(
  id             INTEGER PRIMARY KEY,
  owner_agent_id INTEGER REFERENCES agents(id),
  name           TEXT NOT NULL,
  body           TEXT NOT NULL,
  actions        TEXT NOT NULL DEFAULT '{}',  -- protocol::encode_macro_actions
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);
CREATE INDEX macros_by_owner ON macros(owner_agent_id);
)sql",
};

int user_version(sqlite3* db) {
  Stmt s(db, "PRAGMA user_version");
  s.step();
  int v = static_cast<int>(s.int64(0));
  s.reset();
  return v;
}

}  // namespace

void migrate(sqlite3* db) {
  static_assert(std::size(kMigrations) == kSchemaVersion);
  int current = user_version(db);
  if (current > kSchemaVersion)
    throw SqliteError(SQLITE_ERROR, "the store has schema version " + std::to_string(current) +
                                        ", newer than this build's " +
                                        std::to_string(kSchemaVersion));
  for (int v = current; v < kSchemaVersion; ++v) {
    Transaction tx(db);
    exec(db, kMigrations[v]);
    exec(db, ("PRAGMA user_version = " + std::to_string(v + 1)).c_str());
    tx.commit();
  }
}

}  // namespace touchpoint::storage
