"""Kill -9 mid-stream: every message acknowledged with 2xx must be in the store exactly once.

Clients stream API-channel messages over keep-alive connections; after enough acks the server
is killed with SIGKILL. After a restart, every acked message is present once with the ids it was
acked with, redeliveries of everything (acked or not) answer the same ids, and nothing doubles.
"""
import shutil
import sqlite3
import sys
import threading
import unittest

from harness import API_CONFIG, Touchpoint, post_message, temp_dir

BINARY = sys.argv.pop(1) if len(sys.argv) > 1 else "build/touchpoint"
CLIENTS = 4
KILL_AFTER_ACKS = 600


class CrashTest(unittest.TestCase):
    def setUp(self):
        self.dir = temp_dir()
        self.data = self.dir + "/data"

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_every_acknowledged_message_survives_sigkill_exactly_once(self):
        server = Touchpoint(BINARY, self.data, API_CONFIG)
        acked = {}  # message_id -> ack body
        sent = set()
        lock = threading.Lock()
        enough = threading.Event()

        def client(n):
            conn = server.connection()
            i = 0
            while True:
                mid = f"c{n}-m{i}"
                with lock:
                    sent.add(mid)
                try:
                    status, body = post_message(conn, mid, f"cust-{n}-{i % 7}", thread=f"t{n}-{i % 5}")
                except (ConnectionError, OSError, Exception):
                    return  # the server died under us: this one is unacknowledged
                if status == 200:
                    with lock:
                        acked[mid] = body
                        if len(acked) >= KILL_AFTER_ACKS:
                            enough.set()
                i += 1

        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        for t in threads:
            t.start()
        self.assertTrue(enough.wait(timeout=120), "the server never acknowledged enough messages")
        server.kill9()
        for t in threads:
            t.join(timeout=60)
        self.assertGreaterEqual(len(acked), KILL_AFTER_ACKS)

        # The store as the killed process left it: every ack is there once, with its ids.
        db = sqlite3.connect(self.data + "/touchpoint.db")
        rows = db.execute("SELECT external_id, count(*), min(id), min(ticket_id) FROM messages "
                          "GROUP BY channel_name, external_id").fetchall()
        db.close()
        stored = {r[0]: r for r in rows}
        for mid, ack in acked.items():
            self.assertIn(mid, stored, f"acknowledged {mid} was lost")
            self.assertEqual(stored[mid][1], 1)
            self.assertEqual(stored[mid][2], ack["message_id"])
            self.assertEqual(stored[mid][3], ack["ticket_id"])
        self.assertTrue(all(r[1] == 1 for r in rows), "a message was stored twice")

        # Providers retry everything they did not see acknowledged; we answer each exactly once.
        server = Touchpoint(BINARY, self.data, API_CONFIG)
        conn = server.connection()
        for mid in sorted(sent):
            n, i = mid[1:].split("-m")
            status, body = post_message(conn, mid, f"cust-{n}-{int(i) % 7}", thread=f"t{n}-{int(i) % 5}")
            self.assertEqual(status, 200, body)
            if mid in acked:
                self.assertTrue(body["duplicate"])
                self.assertEqual(body["message_id"], acked[mid]["message_id"])
        self.assertEqual(server.terminate(), 0)
        db = sqlite3.connect(self.data + "/touchpoint.db")
        total, distinct = db.execute(
            "SELECT count(*), count(DISTINCT external_id) FROM messages").fetchone()
        db.close()
        self.assertEqual(total, len(sent))
        self.assertEqual(distinct, len(sent))


if __name__ == "__main__":
    unittest.main(verbosity=2)
