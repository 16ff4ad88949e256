"""Work distribution on the real binary: presence from live consoles (online, away, offline,
agent.presence events, two consoles of one agent), least-busy assignment under the limit in the
transaction that records a ticket, a waiting ticket assigned when its agent comes online,
group members, who is viewing a ticket, the reply collision (409 naming the other agent, then
force), and canned replies (shared and personal, rendered, applied with the reply, 422 for an
unknown placeholder). A bad [routing] table stops serve naming the key.

usage: assignment_test.py path/to/touchpoint
"""
import os
import shutil
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import Touchpoint, api_call, post_message, serve_fails, temp_dir  # noqa: E402
from ws_client import WsClient  # noqa: E402

ADMIN = {"TOUCHPOINT_ADMIN_EMAIL": "boss@acme.test", "TOUCHPOINT_ADMIN_PASSWORD": "boss-password-1"}
CONFIG = """
[[channel]]
type = "api"
name = "crm"
token = "s3cret"

[routing]
mode = "least_busy"
max_open_per_agent = 1
"""


class AssignmentTest(unittest.TestCase):
    def setUp(self):
        self.dir = temp_dir()
        self.server = Touchpoint(BINARY, self.dir + "/data", CONFIG, extra_env=ADMIN)
        self.admin = self.login("boss@acme.test", "boss-password-1")
        self.ann_id = self.add_agent("ann@acme.test", "Ann Agent")
        self.bob_id = self.add_agent("bob@acme.test", "Bob Agent")
        self.ann = self.login("ann@acme.test", "agent-password-1")
        self.bob = self.login("bob@acme.test", "agent-password-1")
        self.consoles = []

    def tearDown(self):
        for c in self.consoles:
            c.close()
        self.server.kill9()
        shutil.rmtree(self.dir, ignore_errors=True)

    def call(self, token, method, path, body=None):
        return api_call(self.server, method, path, body, token)

    def login(self, email, password):
        status, body = self.call(None, "POST", "/api/v1/auth/login", {"email": email, "password": password})
        self.assertEqual(status, 200, body)
        return body["token"]

    def add_agent(self, email, name):
        status, body = self.call(self.admin, "POST", "/api/v1/agents",
                                 {"email": email, "name": name, "role": "agent", "password": "agent-password-1"})
        self.assertEqual(status, 201, body)
        return body["id"]

    def console(self, token):
        ws = WsClient(self.server.port, f"/api/v1/live?token={token}")
        self.assertEqual(ws.event()["type"], "hello")
        self.consoles.append(ws)
        return ws

    def until(self, ws, predicate):
        while True:
            e = ws.event()
            if predicate(e):
                return e

    def ingest(self, message_id, customer):
        conn = self.server.connection()
        status, body = post_message(conn, message_id, customer, thread=message_id)
        conn.close()
        self.assertEqual(status, 200, body)
        return body["ticket_id"]

    def assignee(self, ticket):
        status, body = self.call(self.admin, "GET", f"/api/v1/tickets/{ticket}")
        self.assertEqual(status, 200, body)
        return body["assignee"]

    def presence(self):
        _, body = self.call(self.admin, "GET", "/api/v1/agents")
        return {a["id"]: (a["presence"], a["open_tickets"]) for a in body["agents"]}

    def test_presence_and_least_busy_assignment(self):
        watcher = self.console(self.admin)
        ann = self.console(self.ann)
        e = self.until(watcher, lambda e: e["type"] == "agent.presence" and e["data"]["agent_id"] == self.ann_id)
        self.assertEqual(e["data"]["status"], "online")
        # The admin's own console counts too: admin and ann are online, least busy takes turns.
        status, body = self.call(self.admin, "PUT", "/api/v1/agents/me/presence", {"status": "away"})
        self.assertEqual((status, body["status"]), (200, "away"))
        t1 = self.ingest("t1", "c1")
        self.assertEqual(self.assignee(t1), self.ann_id, "assigned in the transaction that recorded it")
        _, ticket = self.call(self.admin, "GET", f"/api/v1/tickets/{t1}")
        events = [e for e in ticket["events"] if e["type"] == "ticket.assignee_changed"]
        self.assertEqual(events[0]["actor_type"], "system")
        self.assertEqual(self.presence()[self.ann_id], ("online", 1))
        # Ann is full (limit 1), the admin away, bob offline: the next one waits...
        t2 = self.ingest("t2", "c2")
        self.assertIsNone(self.assignee(t2))
        # ... until bob comes online.
        bob = self.console(self.bob)
        self.until(watcher, lambda e: e["type"] == "ticket.updated" and e["data"].get("id", e["data"].get("ticket_id")) == t2)
        self.assertEqual(self.assignee(t2), self.bob_id)
        # Two consoles of one agent: closing one leaves them online; closing both, offline.
        ann2 = self.console(self.ann)
        ann2.close()
        self.consoles.remove(ann2)
        time.sleep(0.5)
        self.assertEqual(self.presence()[self.ann_id][0], "online")
        ann.close()
        self.consoles.remove(ann)
        e = self.until(watcher, lambda e: e["type"] == "agent.presence" and e["data"]["agent_id"] == self.ann_id)
        self.assertEqual(e["data"]["status"], "offline")
        self.assertEqual(self.presence()[self.ann_id][0], "offline")
        bob.close()
        self.consoles.remove(bob)

    def test_group_members_viewing_collision_and_macros(self):
        status, group = self.call(self.admin, "POST", "/api/v1/groups", {"name": "billing"})
        self.assertEqual(status, 201, group)
        status, body = self.call(self.admin, "PUT", f"/api/v1/groups/{group['id']}/members", {"agents": [self.bob_id]})
        self.assertEqual((status, body["members"]), (200, [self.bob_id]))
        status, _ = self.call(self.admin, "PUT", f"/api/v1/groups/{group['id']}/members", {"agents": [9999]})
        self.assertEqual(status, 422)
        status, _ = self.call(self.ann, "PUT", f"/api/v1/groups/{group['id']}/members", {"agents": []})
        self.assertEqual(status, 403)

        ticket = self.ingest("v1", "c9")
        watcher = self.console(self.bob)
        status, _ = self.call(self.ann, "POST", f"/api/v1/tickets/{ticket}/viewing", {"typing": True})
        self.assertEqual(status, 200)
        e = self.until(watcher, lambda e: e["type"] == "ticket.viewing")
        self.assertEqual(e["data"], {"ticket_id": ticket, "agent_id": self.ann_id, "agent_name": "Ann Agent",
                                     "viewing": True, "typing": True})
        self.call(self.ann, "DELETE", f"/api/v1/tickets/{ticket}/viewing")
        e = self.until(watcher, lambda e: e["type"] == "ticket.viewing")
        self.assertFalse(e["data"]["viewing"])
        # Without a repeat, viewing lapses by itself after 30 s.
        self.call(self.ann, "POST", f"/api/v1/tickets/{ticket}/viewing")
        e = self.until(watcher, lambda e: e["type"] == "ticket.viewing")
        self.assertEqual((e["data"]["viewing"], e["data"]["typing"]), (True, False))
        watcher.sock.settimeout(90)
        e = self.until(watcher, lambda e: e["type"] == "ticket.viewing")
        self.assertFalse(e["data"]["viewing"], "lapsed")
        self.assertEqual(e["data"]["agent_id"], self.ann_id)

        # Both saw the customer's message; bob answers first; ann's reply collides.
        _, t = self.call(self.admin, "GET", f"/api/v1/tickets/{ticket}")
        seen = t["messages"][-1]["id"]
        status, _ = self.call(self.bob, "POST", f"/api/v1/tickets/{ticket}/messages", {"body": "Hi from Bob", "seen_message_id": seen})
        self.assertEqual(status, 201)
        status, body = self.call(self.ann, "POST", f"/api/v1/tickets/{ticket}/messages", {"body": "Hi from Ann", "seen_message_id": seen})
        self.assertEqual(status, 409, body)
        self.assertEqual(body["error"]["code"], "conflict")
        self.assertEqual(body["error"]["agent"], {"id": self.bob_id, "name": "Bob Agent"})
        status, _ = self.call(self.ann, "POST", f"/api/v1/tickets/{ticket}/messages", {"body": "Note", "internal": True, "seen_message_id": seen})
        self.assertEqual(status, 201, "notes never conflict")
        status, _ = self.call(self.ann, "POST", f"/api/v1/tickets/{ticket}/messages", {"body": "Hi from Ann", "seen_message_id": seen, "force": True})
        self.assertEqual(status, 201)
        _, t = self.call(self.admin, "GET", f"/api/v1/tickets/{ticket}")
        self.assertEqual([m["body"] for m in t["messages"] if m["author"] == "agent" and not m["internal"]],
                         ["Hi from Bob", "Hi from Ann"])

        # Canned replies: an admin's is shared and only admins change it; an agent's is theirs.
        status, shared = self.call(self.admin, "POST", "/api/v1/macros", {
            "name": "Thanks", "body": "Thanks {{customer.first_name}}, this is {{agent.name}} on #{{ticket.id}}.",
            "actions": {"status": "pending", "tags": ["thanked"]}})
        self.assertEqual(status, 201, shared)
        self.assertTrue(shared["shared"])
        status, body = self.call(self.ann, "POST", "/api/v1/macros", {"name": "Bad", "body": "Hi {{customer.email}}"})
        self.assertEqual(status, 422)
        self.assertIn("customer.email", body["error"]["message"])
        status, body = self.call(self.ann, "POST", "/api/v1/macros", {"name": "Bad", "body": "x", "actions": {"status": "done"}})
        self.assertEqual(status, 422)
        status, mine = self.call(self.ann, "POST", "/api/v1/macros", {"name": "Mine", "body": "Personal"})
        self.assertEqual((status, mine["shared"]), (201, False))
        _, listed = self.call(self.bob, "GET", "/api/v1/macros")
        self.assertEqual([m["name"] for m in listed["macros"]], ["Thanks"], "bob sees the shared one only")
        status, _ = self.call(self.ann, "PATCH", f"/api/v1/macros/{shared['id']}", {"name": "Mine now"})
        self.assertEqual(status, 403)
        status, _ = self.call(self.bob, "DELETE", f"/api/v1/macros/{mine['id']}")
        self.assertEqual(status, 404)
        self.call(self.admin, "PATCH", f"/api/v1/customers/{t['customer_id']}", {"name": "Ada Lovelace"})
        status, rendered = self.call(self.ann, "POST", f"/api/v1/tickets/{ticket}/macros/{shared['id']}/render")
        self.assertEqual(status, 200, rendered)
        self.assertEqual(rendered["body"], f"Thanks Ada, this is Ann Agent on #{ticket}.")
        status, _ = self.call(self.ann, "POST", f"/api/v1/tickets/{ticket}/messages",
                              {"body": rendered["body"], "macro_id": shared["id"], "force": True})
        self.assertEqual(status, 201)
        _, t = self.call(self.admin, "GET", f"/api/v1/tickets/{ticket}")
        self.assertEqual((t["status"], t["tags"]), ("pending", ["thanked"]))
        status, _ = self.call(self.ann, "POST", f"/api/v1/tickets/{ticket}/messages",
                              {"body": "never stored", "macro_id": 99999, "force": True})
        self.assertEqual(status, 422)
        status, _ = self.call(self.ann, "POST", f"/api/v1/tickets/{ticket}/messages",
                              {"body": "never stored either", "macro_id": mine["id"] + 1000, "force": True})
        self.assertEqual(status, 422)
        # Bob cannot use ann's personal macro either; nothing of these replies was stored.
        status, _ = self.call(self.bob, "POST", f"/api/v1/tickets/{ticket}/messages",
                              {"body": "never stored at all", "macro_id": mine["id"], "force": True})
        self.assertEqual(status, 422)
        _, t = self.call(self.admin, "GET", f"/api/v1/tickets/{ticket}")
        self.assertFalse([m for m in t["messages"] if m["body"].startswith("never stored")])

    def test_a_bad_routing_table_stops_serve_naming_the_key(self):
        for table, key in (('mode = "random"', "routing.mode"), ("max_open_per_agent = 0", "routing.max_open_per_agent")):
            code, output = serve_fails(BINARY, self.dir + "/bad", "[routing]\n" + table + "\n")
            self.assertNotEqual(code, 0)
            self.assertIn(key, output, table)

if __name__ == "__main__":
    BINARY = sys.argv.pop(1)
    unittest.main()
