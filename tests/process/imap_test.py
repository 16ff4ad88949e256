"""An email channel reading its IMAP mailbox, on the real binary against a fake IMAP server.

New mail is found by UID above the stored cursor (never by the Seen flag), stored once even
across restarts and a renumbered mailbox (new UIDVALIDITY); a message nothing can parse still
becomes a ticket with its raw bytes; wrong credentials store nothing and break nothing.
"""
import json
import os
import shutil
import sqlite3
import sys
import time
import unittest

from fake_imap import FakeImap, Mailbox
from harness import Touchpoint, temp_dir

BINARY = sys.argv.pop(1) if len(sys.argv) > 1 else "build/touchpoint"
FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures", "email")

CONFIG = """
[[channel]]
type = "email"
name = "support"
address = "support@acme.test"
imap_url = "imap://127.0.0.1:{port}/INBOX"
imap_user = "support@acme.test"
imap_password = "{password}"
imap_poll_seconds = {poll}
"""


def mail(message_id, subject, body, extra=""):
    return (f"Return-Path: <ada@example.org>\r\nFrom: Ada <ada@example.org>\r\nTo: support@acme.test\r\n"
            f"Subject: {subject}\r\nMessage-ID: <{message_id}>\r\n{extra}"
            f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n").encode()


class ImapTest(unittest.TestCase):
    def setUp(self):
        self.dir = temp_dir()
        self.data = self.dir + "/data"
        self.box = Mailbox("support@acme.test", "imap-secret")
        self.imap = FakeImap(self.box)
        self.server = None

    def tearDown(self):
        if self.server and self.server.proc.poll() is None:
            self.server.terminate()
        self.imap.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def start(self, password="imap-secret", poll=1):
        # Any free SMTP port: the default 2525 may be another test's at the same moment.
        self.server = Touchpoint(BINARY, self.data, CONFIG.format(port=self.imap.port, password=password, poll=poll),
                                 args=("--smtp", "127.0.0.1:0"))

    def rows(self, sql, *args):
        with sqlite3.connect(f"file:{self.data}/touchpoint.db?mode=ro", uri=True) as c:
            return c.execute(sql, args).fetchall()

    def wait_for_messages(self, n, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            count = self.rows("SELECT count(*) FROM messages")[0][0]
            if count >= n:
                return count
            time.sleep(0.1)
        self.fail(f"{n} messages expected, {count} stored; fake saw {self.box.commands}")

    def wait_for_rounds(self, rounds=2):
        """Waits until the poller asked STATUS `rounds` more times: it had its chance."""
        start = sum(c.startswith("STATUS") for c in self.box.commands)
        deadline = time.monotonic() + 30
        while sum(c.startswith("STATUS") for c in self.box.commands) < start + rounds:
            self.assertLess(time.monotonic(), deadline, "the poller stopped polling")
            time.sleep(0.05)

    def test_new_mail_is_read_by_uid_once_across_restarts_and_a_renumbered_mailbox(self):
        with open(os.path.join(FIXTURES, "italian_reply.eml"), "rb") as f:
            italian = f.read()
        self.box.add(italian)
        garbage = b"\x00\xff this is not a mail at all \r\n\r\n\x80\x81"
        self.box.add(garbage)
        self.box.add(mail("away@example.org", "Out of office", "I am away", "Auto-Submitted: auto-replied\r\n"))
        self.start()
        self.wait_for_messages(3)
        body, = self.rows("SELECT body FROM messages WHERE external_id = 'CAit.1@mail.example.it'")[0]
        self.assertEqual(body, "Buongiorno, il pacco non è ancora arrivato. Può verificare?")
        # The message nothing could parse is a ticket too, with its bytes kept whole.
        sha, = self.rows("SELECT raw_sha256 FROM messages WHERE external_id LIKE 'sha256:%'")[0]
        with open(f"{self.data}/attachments/{sha[:2]}/{sha[2:4]}/{sha}", "rb") as f:
            self.assertEqual(f.read(), garbage)
        automatic, = self.rows("SELECT automatic FROM messages WHERE external_id = 'away@example.org'")[0]
        self.assertEqual(automatic, "Auto-Submitted: auto-replied")
        # Found by UID, never by flags.
        self.assertFalse([c for c in self.box.commands if "UNSEEN" in c.upper() or "STORE" in c.upper()])
        self.wait_for_rounds()
        self.assertEqual(len(self.box.fetches()), 3)  # nothing fetched twice
        self.box.add(mail("new@example.org", "Another", "One more"))
        self.wait_for_messages(4)
        self.assertEqual(self.rows("SELECT uidvalidity, last_uid FROM imap_cursors"), [(7, 4)])

        # A restart reads on from the stored cursor.
        self.server.terminate()
        self.start()
        self.box.add(mail("after@example.org", "After the restart", "Hello again"))
        self.wait_for_messages(5)
        self.wait_for_rounds()
        self.assertEqual([len(self.box.fetches(uid)) for uid in range(1, 6)], [1, 1, 1, 1, 1])

        # A renumbered mailbox is read again: every message is found as already stored.
        self.box.renumber(8)
        self.box.add(mail("renumbered@example.org", "After renumbering", "Still here"))
        self.wait_for_messages(6)
        self.wait_for_rounds()
        self.assertEqual(self.rows("SELECT count(*) FROM messages")[0][0], 6)
        self.assertEqual(self.rows("SELECT uidvalidity, last_uid FROM imap_cursors"), [(8, 6)])

    def test_a_backlog_is_read_in_rounds_back_to_back_not_one_round_per_interval(self):
        for i in range(120):
            self.box.add(mail(f"backlog.{i}@example.org", f"Order {i}", "Where is it?"))
        self.start(poll=3600)  # a second periodic round would be an hour away
        self.wait_for_messages(120)
        self.assertEqual(self.rows("SELECT last_uid FROM imap_cursors"), [(120,)])
        self.assertEqual(len(self.box.fetches()), 120)

    def test_wrong_credentials_store_nothing_and_the_server_keeps_serving(self):
        self.box.add(mail("x@example.org", "Hello", "Hi"))
        self.start(password="wrong")
        deadline = time.monotonic() + 30
        while self.box.commands.count("LOGIN") < 2:  # it tried, and tries again next round
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.05)
        conn = self.server.connection()
        conn.request("GET", "/healthz")
        self.assertEqual(conn.getresponse().status, 200)
        self.assertEqual(self.rows("SELECT count(*) FROM messages")[0][0], 0)
        self.assertEqual(self.box.fetches(), [])
        self.server.terminate()
        self.assertNotIn(b"wrong", self.server.output.replace(b"wrong credentials", b""))  # no password in the log


if __name__ == "__main__":
    unittest.main()
