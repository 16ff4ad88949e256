// Migrations v1–v10: the ticket store, tokens, search, messaging, mail, customers by name,
// IMAP cursors, reply idempotency. Append-only: a migration that shipped is never edited.
#include "storage/schema_migrations.hpp"

namespace touchpoint::storage {

const char* const kCoreMigrations[kCoreMigrationCount] = {
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
};

}  // namespace touchpoint::storage
