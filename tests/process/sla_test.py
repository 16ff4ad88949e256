"""SLA clocks on the real binary under a faked wall clock (Debian's faketime; the monotonic
clock stays real, or steady-clock waits hang): started on a Friday at 17:55 in Rome, a ticket's
first-reply due time lands on Monday morning; a 3-second target breaches and sla.breached
arrives on /api/v1/live; a breach that falls due while the server is stopped is recorded at the
next start with breached_at = its due time; supervisors get stats.updated.

usage: sla_test.py path/to/touchpoint
"""
import calendar
import os
import shutil
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import Touchpoint, api_call, post_message, sign_in, temp_dir  # noqa: E402
from ws_client import WsClient  # noqa: E402

CONFIG = """
[[channel]]
type = "api"
name = "crm"
token = "s3cret"

[[calendar]]
name = "office"
timezone = "Europe/Rome"
hours = ["mon-fri 09:00-18:00"]
holidays = ["2026-12-08"]

[[sla]]
name = "quick"
match = { priority = ["urgent"] }
first_reply = "3s"

[[sla]]
name = "office"
calendar = "office"
first_reply = "1h"
resolution = "2d"
"""

# Friday 2026-12-04 17:55 in Rome (UTC+1 in December).
FRIDAY_EVENING = calendar.timegm((2026, 12, 4, 16, 55, 0))
ADMIN = {"TOUCHPOINT_ADMIN_EMAIL": "boss@acme.test", "TOUCHPOINT_ADMIN_PASSWORD": "boss-password-1"}


def thread_sanitized(binary):
    with open(binary, "rb") as f:
        return b"__tsan_init" in f.read()


class SlaTest(unittest.TestCase):
    def setUp(self):
        if thread_sanitized(BINARY):
            # libfaketime's preloaded clock functions and TSan's interceptors do not mix; the
            # address-sanitized build runs this test.
            self.skipTest("faketime does not run under ThreadSanitizer")
        self.dir = temp_dir()
        # An offset, not a fixed start: a restart continues the same faked time.
        self.offset = FRIDAY_EVENING - int(time.time())
        self.server = self.start()
        self.token = sign_in(self.server)

    def tearDown(self):
        if self.server.proc.poll() is None:
            self.server.kill9()
        shutil.rmtree(self.dir, ignore_errors=True)

    def start(self):
        # libfaketime is preloaded before an address-sanitized binary's runtime: let ASan accept it.
        asan = ",".join(filter(None, [os.environ.get("ASAN_OPTIONS"), "verify_asan_link_order=0"]))
        env = dict(ADMIN, FAKETIME_DONT_FAKE_MONOTONIC="1", TZ="UTC", ASAN_OPTIONS=asan)
        return Touchpoint(BINARY, self.dir, CONFIG, extra_env=env,
                          prefix=("faketime", "-f", f"{self.offset:+d}s"))

    def call(self, method, path, body=None):
        return api_call(self.server, method, path, body, self.token)

    def ingest(self, message_id, thread):
        status, body = post_message(self.server.connection(), message_id, "cust-" + thread, thread=thread)
        self.assertEqual(status, 200, body)
        return body["ticket_id"]

    def test_business_hours_a_live_breach_and_a_breach_while_stopped(self):
        # Friday 17:55 Rome: five open minutes today, then Monday from 09:00 -> 09:55 Rome
        # (a second or so later: the faked clock runs).
        office = self.ingest("m-office", "office")
        status, ticket = self.call("GET", f"/api/v1/tickets/{office}")
        self.assertEqual(status, 200)
        first = ticket["sla"]["metrics"]["first_reply"]
        self.assertEqual(ticket["sla"]["policy"], "office")
        self.assertEqual(first["state"], "active")
        created = calendar.timegm(time.strptime(ticket["created_at"], "%Y-%m-%dT%H:%M:%SZ"))
        friday_close = calendar.timegm((2026, 12, 4, 17, 0, 0))  # 18:00 Rome
        monday_open = calendar.timegm((2026, 12, 7, 8, 0, 0))    # 09:00 Rome
        self.assertLess(created, friday_close)
        due = monday_open + 3600 - (friday_close - created)
        self.assertEqual(first["due_at"], time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(due)))
        self.assertIsNone(ticket["sla"]["metrics"]["next_reply"])
        # 2d = 48 open hours: 5 min Friday, then 9 h a day from Monday 7th, the 8th a holiday:
        # 45h05 by Monday 14th, the last 2h55 on Tuesday 15th -> 11:55 Rome.
        resolution_due = calendar.timegm((2026, 12, 15, 10, 55, 0)) + (created - FRIDAY_EVENING)
        self.assertEqual(ticket["sla"]["metrics"]["resolution"]["due_at"],
                         time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(resolution_due)))

        live = WsClient(self.server.port, f"/api/v1/live?token={self.token}")
        self.assertEqual(live.event()["type"], "hello")
        urgent = self.ingest("m-urgent", "urgent")
        status, _ = self.call("PATCH", f"/api/v1/tickets/{urgent}", {"priority": "urgent"})
        self.assertEqual(status, 200)
        _, t = self.call("GET", f"/api/v1/tickets/{urgent}")
        due = t["sla"]["metrics"]["first_reply"]["due_at"]
        while True:
            e = live.event()
            if e["type"] == "sla.breached":
                break
        self.assertEqual(e["data"], {"ticket_id": urgent, "metric": "first_reply", "due_at": due})
        self.wait_for_stats(live, breached=1)
        status, breached = self.call("GET", "/api/v1/tickets?sla=breached")
        self.assertEqual([x["id"] for x in breached["tickets"]], [urgent])
        _, stats = self.call("GET", "/api/v1/stats/queues")
        self.assertEqual(stats["sla"]["breached"], 1)
        self.assertEqual(stats["open_total"], 2)
        live.close()

        # Stopped before a 3-second target falls due; started again after it.
        late = self.ingest("m-late", "late")
        self.call("PATCH", f"/api/v1/tickets/{late}", {"priority": "urgent"})
        _, t = self.call("GET", f"/api/v1/tickets/{late}")
        due = t["sla"]["metrics"]["first_reply"]["due_at"]
        # Killed, not stopped: under libfaketime the SIGTERM wake-up of epoll_wait is lost (a
        # faketime quirk; without it SIGTERM is tested by the CLI test). Nothing acknowledged is lost.
        self.server.kill9()
        time.sleep(4)
        self.server = self.start()
        for _ in range(100):  # the first run of the timer, right after start
            _, t = self.call("GET", f"/api/v1/tickets/{late}")
            if any(e["type"] == "sla.breached" for e in t["events"]):
                break
            time.sleep(0.05)
        breach = [e for e in t["events"] if e["type"] == "sla.breached"]
        self.assertEqual(len(breach), 1, t["events"])
        self.assertEqual(breach[0]["old_value"], due)
        self.assertEqual(t["sla"]["metrics"]["first_reply"]["breached_at"], due)

    def wait_for_stats(self, live, breached):
        """Reads on until the supervisors' stats.updated shows the breach (pushed when changed,
        at most once a second); the WebSocket client's timeout fails the test if it never does."""
        while True:
            e = live.event()
            if e["type"] == "stats.updated" and e["data"]["sla"]["breached"] == breached:
                self.assertEqual(e["data"]["open_total"], 2)
                return


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
