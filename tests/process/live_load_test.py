"""Ingest under load with live consoles connected, on the real binary (issue #11, items 14-16):
the WAL stays bounded while it runs; every reading console stays connected and receives every
event in order, even with consoles beside it that never read; a console that comes back with
`after` 5,000 events behind receives them all.

usage: live_load_test.py path/to/touchpoint
"""
import json
import os
import shutil
import sys
import threading
import time
import unittest

from harness import API_CONFIG, Touchpoint, temp_dir
from ws_client import WsClient

BINARY = None
MESSAGES = 3000
READERS = 30
SLEEPERS = 20   # consoles that never read a byte
SENDERS = 8
WAL_BOUND = 48 << 20  # bytes; unbounded it grew ~40 KB a message (120 MB here)


class LiveLoadTest(unittest.TestCase):
    def setUp(self):
        self.dir = temp_dir()
        self.server = Touchpoint(BINARY, self.dir, API_CONFIG, extra_env={
            "TOUCHPOINT_ADMIN_EMAIL": "admin@acme.test", "TOUCHPOINT_ADMIN_PASSWORD": "admin-password-1"})
        conn = self.server.connection()
        conn.request("POST", "/api/v1/auth/login",
                     json.dumps({"email": "admin@acme.test", "password": "admin-password-1"}),
                     {"Content-Type": "application/json"})
        admin = json.loads(conn.getresponse().read())["token"]
        # The consoles are an agent's: supervisors also get stats.updated, which would
        # interleave with the event numbers this test counts.
        conn.request("POST", "/api/v1/agents",
                     json.dumps({"email": "agent@acme.test", "name": "Agent", "role": "agent",
                                 "password": "agent-password-1"}),
                     {"Content-Type": "application/json", "Authorization": "Bearer " + admin})
        created = conn.getresponse()
        created.read()
        self.assertEqual(created.status, 201)
        conn.request("POST", "/api/v1/auth/login",
                     json.dumps({"email": "agent@acme.test", "password": "agent-password-1"}),
                     {"Content-Type": "application/json"})
        self.token = json.loads(conn.getresponse().read())["token"]
        conn.close()

    def tearDown(self):
        self.server.terminate()
        shutil.rmtree(self.dir, ignore_errors=True)

    def console(self, query=""):
        return WsClient(self.server.port, f"/api/v1/live?token={self.token}{query}")

    def ingest(self, worker, acked):
        conn = self.server.connection()
        for i in range(worker, MESSAGES, SENDERS):
            body = json.dumps({"message_id": f"load-{i}", "thread": f"t-{i % 500}",
                               "text": f"message {i} " + "lorem ipsum " * 20,
                               "from": {"id": f"c-{i % 300}", "name": f"Customer {i % 300}"}})
            while True:
                conn.request("POST", "/webhooks/api/crm", body,
                             {"Content-Type": "application/json", "Authorization": "Bearer s3cret"})
                res = conn.getresponse()
                res.read()
                if res.status == 200:
                    acked.append(i)
                    break
                self.assertEqual(res.status, 503)  # busy: retry, as a provider does
        conn.close()

    def test_consoles_keep_up_the_wal_stays_bounded_and_a_late_console_catches_up(self):
        # The agent comes online first (agent.presence), so the consoles counted below join an
        # agent already present and no presence event interleaves with the numbers counted.
        warm = self.console()
        while warm.event()["type"] != "agent.presence":
            pass
        readers = [self.console() for _ in range(READERS)]
        sleepers = [self.console() for _ in range(SLEEPERS)]
        hellos = [c.event() for c in readers]
        start_seq = hellos[0]["data"]["seq"]
        epoch = hellos[0]["data"]["epoch"]
        seen = [[] for _ in readers]
        errors = []
        last = start_seq + 2 * MESSAGES  # each message: ticket.created|updated, message.created

        def follow(k):
            try:
                while True:
                    e = readers[k].event()
                    seen[k].append(e["seq"])
                    if e["seq"] >= last:
                        return
            except Exception as ex:  # noqa: BLE001 - reported below
                errors.append(f"console {k}: {ex!r} after {len(seen[k])} events")

        followers = [threading.Thread(target=follow, args=(k,), daemon=True) for k in range(READERS)]
        for f in followers:
            f.start()

        wal = os.path.join(self.dir, "touchpoint.db-wal")
        biggest = [0]
        done = threading.Event()

        def watch_wal():
            while not done.is_set():
                if os.path.exists(wal):
                    biggest[0] = max(biggest[0], os.path.getsize(wal))
                time.sleep(0.05)
        watcher = threading.Thread(target=watch_wal, daemon=True)
        watcher.start()

        acked = []
        senders = [threading.Thread(target=self.ingest, args=(w, acked)) for w in range(SENDERS)]
        for s in senders:
            s.start()
        for s in senders:
            s.join()
        done.set()
        watcher.join()
        self.assertEqual(len(acked), MESSAGES)
        print(f"largest WAL seen: {biggest[0] / 2**20:.1f} MiB over {MESSAGES} messages", flush=True)
        self.assertLess(biggest[0], WAL_BOUND, "the WAL grew without bound")

        probe = self.console()
        final = {"seq": probe.event()["data"]["seq"]}
        probe.close()
        self.assertEqual(final["seq"], last)
        for f in followers:
            f.join(timeout=120)
        self.assertEqual(errors, [])
        want = list(range(start_seq + 1, last + 1))
        for k in range(READERS):
            self.assertEqual(seen[k], want, f"console {k} missed or reordered events")

        # Back after a while away: everything since, in order, and no resync.
        back = self.console(f"&after={final['seq'] - 5000}&epoch={epoch}")
        self.assertEqual(back.event()["type"], "hello")
        replay = [back.event() for _ in range(5000)]
        self.assertEqual([e["seq"] for e in replay], list(range(final["seq"] - 4999, final["seq"] + 1)))
        self.assertNotIn("resync", [e["type"] for e in replay])
        back.close()

        metrics = self.server.connection()
        metrics.request("GET", "/metrics")
        text = metrics.getresponse().read().decode()
        wal_line = [line for line in text.splitlines() if line.startswith("touchpoint_wal_bytes ")]
        self.assertEqual(len(wal_line), 1)
        self.assertLess(int(wal_line[0].split()[1]), WAL_BOUND)
        for c in readers + sleepers:
            c.close()


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
