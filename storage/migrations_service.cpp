// Migrations v11 on: measuring and distributing the service — SLA clocks and statistics,
// surveys, the experience journey, assignment, canned replies. Append-only.
#include "storage/schema_migrations.hpp"

namespace touchpoint::storage {

const char* const kServiceMigrations[kServiceMigrationCount] = {
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
    // v16: web chat. Each visitor's conversation numbers its public lines (seq from 1, per
    // conversation), so a tab that reconnects asks for everything after the last it has. A
    // trigger numbers them in the transaction that stores the message, whichever path stores it
    // (a visitor's message, an agent's reply, a survey's question). A visitor's own message is
    // numbered in the visitor's conversation (its external_id "{visitor}:{client_id}"), an
    // outgoing one in its ticket's.
    R"sql(
CREATE TABLE chat_lines(
  channel_name TEXT NOT NULL,
  conversation TEXT NOT NULL,  -- 'thread:' || visitor, as tickets.thread_key names it
  seq          INTEGER NOT NULL,
  message_id   INTEGER NOT NULL UNIQUE REFERENCES messages(id),
  PRIMARY KEY(channel_name, conversation, seq)
) WITHOUT ROWID;
CREATE TRIGGER chat_line_numbered AFTER INSERT ON messages
  WHEN NEW.channel_type = 'webchat' AND NEW.internal = 0
BEGIN
  INSERT INTO chat_lines(channel_name, conversation, seq, message_id)
  SELECT NEW.channel_name, k.conversation,
         coalesce((SELECT max(c.seq) FROM chat_lines c WHERE c.channel_name = NEW.channel_name
                   AND c.conversation = k.conversation), 0) + 1,
         NEW.id
  FROM (SELECT CASE WHEN NEW.direction = 'in' AND instr(NEW.external_id, ':') > 0
                    THEN 'thread:' || substr(NEW.external_id, 1, instr(NEW.external_id, ':') - 1)
                    ELSE (SELECT thread_key FROM tickets WHERE id = NEW.ticket_id) END
               AS conversation) k
  WHERE k.conversation IS NOT NULL;
END;
)sql",
    // v17: per-day sketches of the service samples, so the live "today" and reports over long
    // periods read a few rows a day instead of every sample: per (dim, day, key, metric) a
    // count, and for durations a fixed log-bucket histogram (bucket = floor(8·log2(1+seconds)),
    // protocol::duration_bucket; -1 for facts without a duration). Kept by a trigger in the
    // transaction that writes the sample, whatever writes it. dim '' counts everything; the
    // others key by what the sample was keyed by when it happened (as the reports do).
    R"sql(
CREATE TABLE service_sketch(
  dim    TEXT NOT NULL,  -- '' | 'channel' | 'group' | 'agent'
  day    INTEGER NOT NULL,
  key    TEXT NOT NULL,
  metric TEXT NOT NULL,
  bucket INTEGER NOT NULL,
  n      INTEGER NOT NULL,
  PRIMARY KEY(dim, day, key, metric, bucket)
) WITHOUT ROWID;
CREATE TRIGGER service_sampled AFTER INSERT ON service_samples
BEGIN
  INSERT INTO service_sketch(dim, day, key, metric, bucket, n)
  SELECT d.dim, NEW.day, d.key, NEW.metric,
         CASE WHEN NEW.seconds IS NULL THEN -1
              ELSE CAST(8 * log2(1 + max(NEW.seconds, 0)) AS INTEGER) END, 1
  FROM (SELECT '' AS dim, '' AS key
        UNION ALL SELECT 'channel', NEW.channel_type
        UNION ALL SELECT 'group', CAST(coalesce(NEW.group_id, '') AS TEXT)
        UNION ALL SELECT 'agent', CAST(coalesce(NEW.assignee_id, '') AS TEXT)) d
  WHERE true
  ON CONFLICT DO UPDATE SET n = n + 1;
END;
INSERT INTO service_sketch(dim, day, key, metric, bucket, n)
SELECT d.dim, s.day,
       CASE d.dim WHEN '' THEN '' WHEN 'channel' THEN s.channel_type
                  WHEN 'group' THEN CAST(coalesce(s.group_id, '') AS TEXT)
                  ELSE CAST(coalesce(s.assignee_id, '') AS TEXT) END AS k,
       s.metric,
       CASE WHEN s.seconds IS NULL THEN -1 ELSE CAST(8 * log2(1 + max(s.seconds, 0)) AS INTEGER) END AS b,
       count(*)
FROM service_samples s, (SELECT '' AS dim UNION ALL SELECT 'channel' UNION ALL SELECT 'group'
                         UNION ALL SELECT 'agent') d
GROUP BY d.dim, s.day, k, s.metric, b;
)sql",
    // v18: when each service fact happened, to the second (the hours of a day's report and
    // the dashboard's hourly chart); NULL for facts recorded before this version.
    R"sql(
ALTER TABLE service_samples ADD COLUMN at INTEGER;
DROP TRIGGER tickets_received;
CREATE TRIGGER tickets_received AFTER INSERT ON tickets
BEGIN
  INSERT INTO service_samples(day, metric, seconds, ticket_id, channel_type, group_id, assignee_id, at)
  VALUES (NEW.created_at / 86400, 'received', NULL, NEW.id, NEW.channel_type, NEW.group_id,
          NEW.assignee_id, NEW.created_at);
END;
DROP TRIGGER tickets_first_replied;
CREATE TRIGGER tickets_first_replied AFTER UPDATE OF first_response_at ON tickets
  WHEN OLD.first_response_at IS NULL AND NEW.first_response_at IS NOT NULL
BEGIN
  INSERT INTO service_samples(day, metric, seconds, ticket_id, channel_type, group_id, assignee_id, at)
  VALUES (NEW.first_response_at / 86400, 'first_reply', max(NEW.first_response_at - NEW.created_at, 0),
          NEW.id, NEW.channel_type, NEW.group_id, NEW.assignee_id, NEW.first_response_at);
END;
DROP TRIGGER tickets_solved;
CREATE TRIGGER tickets_solved AFTER UPDATE OF status ON tickets
  WHEN NEW.status = 'solved' AND OLD.status <> 'solved'
BEGIN
  INSERT INTO service_samples(day, metric, seconds, ticket_id, channel_type, group_id, assignee_id, at)
  VALUES (coalesce(NEW.solved_at, NEW.updated_at) / 86400, 'solved',
          max(coalesce(NEW.solved_at, NEW.updated_at) - NEW.created_at, 0),
          NEW.id, NEW.channel_type, NEW.group_id, NEW.assignee_id, coalesce(NEW.solved_at, NEW.updated_at));
END;
DROP TRIGGER tickets_reopened;
CREATE TRIGGER tickets_reopened AFTER UPDATE OF status ON tickets
  WHEN OLD.status = 'solved' AND NEW.status NOT IN ('solved', 'closed')
BEGIN
  INSERT INTO service_samples(day, metric, seconds, ticket_id, channel_type, group_id, assignee_id, at)
  VALUES (NEW.updated_at / 86400, 'reopened', NULL, NEW.id, NEW.channel_type, NEW.group_id,
          NEW.assignee_id, NEW.updated_at);
END;
)sql",
    // v19: the journey written with two indexes fewer (the ingest throughput issue). Once an
    // index outgrows the page cache, every message costs it a page read and a page written, and
    // a contact wrote five such keys. journey_by_ticket served only a ticket changing customer,
    // and that happens only in a customer merge or unmerge, which now move the rows themselves
    // (storage/ticket_store_customers.cpp). journey_figures served a few counts per customer;
    // they are now running tallies, one small row per customer, kind and channel.
    R"sql(
DROP TRIGGER journey_follows_ticket;
DROP INDEX journey_by_ticket;
DROP INDEX journey_figures;
-- What the experience record counts a row as: its type, except that a status change out of
-- solved back to work is a reopen.
ALTER TABLE journey ADD COLUMN kind TEXT GENERATED ALWAYS AS (
  CASE WHEN type = 'status_change' AND old_value = 'solved' AND new_value NOT IN ('solved', 'closed')
       THEN 'reopen' ELSE type END) VIRTUAL;
CREATE TABLE journey_tallies(
  customer_id INTEGER NOT NULL,
  kind        TEXT NOT NULL,
  channel     TEXT NOT NULL,
  n           INTEGER NOT NULL,
  first_at    INTEGER NOT NULL,
  last_at     INTEGER NOT NULL,
  PRIMARY KEY (customer_id, kind, channel)
) WITHOUT ROWID;
INSERT INTO journey_tallies(customer_id, kind, channel, n, first_at, last_at)
SELECT customer_id, kind, channel, count(*), min(at), max(at) FROM journey
GROUP BY customer_id, kind, channel;
CREATE TRIGGER journey_tallied AFTER INSERT ON journey
BEGIN
  INSERT INTO journey_tallies(customer_id, kind, channel, n, first_at, last_at)
  VALUES (NEW.customer_id, NEW.kind, NEW.channel, 1, NEW.at, NEW.at)
  ON CONFLICT DO UPDATE SET n = n + 1, first_at = min(first_at, excluded.first_at),
                            last_at = max(last_at, excluded.last_at);
END;
)sql",
    // v20: message bodies, ticket subjects and customer names indexed for search in batches,
    // behind these cursors (the ingest throughput issue; storage/text_index.hpp). Everything
    // stored so far was indexed with its commit, so each cursor starts at its table's newest
    // row. A customer's name is no longer indexed by a trigger as the row is made; a rename
    // still is, once the batch has indexed the row (before, the batch reads the new name).
    R"sql(
CREATE TABLE text_index_cursor(
  name            TEXT PRIMARY KEY,  -- the table: messages, tickets, customers
  indexed_through INTEGER NOT NULL   -- every row id up to here is in the table's index
) WITHOUT ROWID;
INSERT INTO text_index_cursor(name, indexed_through)
VALUES ('messages', (SELECT coalesce(max(id), 0) FROM messages)),
       ('tickets', (SELECT coalesce(max(id), 0) FROM tickets)),
       ('customers', (SELECT coalesce(max(id), 0) FROM customers));
DROP TRIGGER customers_indexed;
DROP TRIGGER customers_reindexed;
CREATE TRIGGER customers_reindexed AFTER UPDATE OF name ON customers
  WHEN old.id <= (SELECT indexed_through FROM text_index_cursor WHERE name = 'customers')
BEGIN
  INSERT INTO customer_search(customer_search, rowid, name) VALUES ('delete', old.id, old.name);
  INSERT INTO customer_search(rowid, name) VALUES (new.id, new.name);
END;
)sql",
    // v21: the customer's language, as a channel states it (Telegram's language_code, a chat
    // visitor's browser): surveys ask in it when it is a built-in language.
    R"sql(
ALTER TABLE customers ADD COLUMN language TEXT;
)sql",
};

}  // namespace touchpoint::storage
