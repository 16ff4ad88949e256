"""Web chat on the real binary over real sockets (the contract's "Web chat"): the Origin and
website token checks before the upgrade; a visitor stored nowhere until their first message;
every message acknowledged after its commit and deduplicated on client_id; lines numbered per
conversation and delivered to every tab; a reconnect with `after` gets exactly what it missed;
bad frames change nothing; an away visitor's reply goes out by mail and the answer threads back;
the inline survey; typing both ways.

usage: webchat_test.py path/to/touchpoint
"""
import email
import json
import os
import shutil
import smtplib
import struct
import sys
import time
import unittest

from aiosmtpd.controller import Controller

sys.path.insert(0, os.path.dirname(__file__))
from harness import api_call, sign_in, Sink, Touchpoint, free_port, temp_dir  # noqa: E402
from ws_client import WsClient  # noqa: E402

ADMIN = {"TOUCHPOINT_ADMIN_EMAIL": "boss@acme.test", "TOUCHPOINT_ADMIN_PASSWORD": "boss-password-1"}
SHOP = "https://shop.example"

CONFIG = """
[server]
public_url = "http://tickets.acme.test"
outbox_retry_base_seconds = 0
outbox_poll_ms = 50

[[channel]]
type = "email"
name = "support"
address = "support@acme.test"
smtp_url = "smtp://127.0.0.1:{sink_port}"

[[channel]]
type = "webchat"
name = "site"
website_token = "wt_test"
allowed_origins = ["https://shop.example"]
email_channel = "support"
away_grace_seconds = 1

[survey]
kind = "csat"
delay = "1s"
cooldown = "30d"
expires = "7d"
language = "en"
"""


class Tab:
    """One browser tab's WebSocket to /chat/ws."""

    def __init__(self, port, token=None, after=0, origin=SHOP, website_token="wt_test", **hello):
        self.ws = WsClient(port, f"/chat/ws?website_token={website_token}", {"Origin": origin} if origin else {})
        self.status = self.ws.status
        if self.status != 101:
            self.ws.sock.close()
            return
        self.send({"type": "hello", "visitor_token": token, "after": after, **hello})
        self.welcome = self.next()
        assert self.welcome["type"] == "welcome", self.welcome
        self.token = self.welcome["visitor_token"]

    def send(self, frame):
        self.ws.send(0x1, json.dumps(frame).encode())

    def next(self, type_=None, timeout=20):
        self.ws.sock.settimeout(timeout)
        while True:
            f = self.ws.event()
            if type_ is None or f["type"] == type_:
                return f

    def say(self, client_id, text):
        self.send({"type": "message", "client_id": client_id, "text": text})
        return self.next("ack")

    def close_code(self):
        """Reads until the server closes; answers its close code."""
        self.ws.sock.settimeout(20)
        while True:
            op, payload = self.ws.frame()
            if op == 0x8:
                return struct.unpack(">H", payload[:2])[0] if len(payload) >= 2 else None

    def close(self):
        self.ws.close()


class WebChatTest(unittest.TestCase):
    def setUp(self):
        self.dir = temp_dir()
        self.sink = Sink()
        self.sink_port = free_port()
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.sink_port)
        self.controller.start()
        self.server = self.start()
        self.token = self.login()

    def tearDown(self):
        if self.server.proc.poll() is None:
            self.server.kill9()
        self.controller.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def start(self):
        return Touchpoint(BINARY, self.dir + "/data", CONFIG.format(sink_port=self.sink_port), extra_env=ADMIN,
                          args=("--smtp", "127.0.0.1:0"), listeners=("http", "smtp"))

    def login(self):
        return sign_in(self.server)

    def call(self, method, path, body=None, auth=True):
        return api_call(self.server, method, path, body, self.token if auth else None)

    def tickets(self):
        status, body = self.call("GET", "/api/v1/tickets?status=new,open,pending,on_hold,solved,closed")
        self.assertEqual(status, 200, body)
        return body["tickets"]

    def messages(self, ticket):
        status, body = self.call("GET", f"/api/v1/tickets/{ticket}")
        self.assertEqual(status, 200, body)
        return body["messages"]

    def reply(self, ticket, text):
        status, body = self.call("POST", f"/api/v1/tickets/{ticket}/messages", {"body": text, "force": True})
        self.assertIn(status, (200, 201), body)
        return body

    def test_upgrade_checks_the_token_and_the_origin(self):
        self.assertEqual(Tab(self.server.port, website_token="wt_nope").status, 404)
        self.assertEqual(Tab(self.server.port, origin="https://evil.example").status, 403)
        self.assertEqual(Tab(self.server.port, origin=None).status, 403)
        self.assertEqual(Tab(self.server.port, origin="null").status, 403)
        own = Tab(self.server.port, origin="http://tickets.acme.test")  # the widget's own frame
        self.assertEqual(own.status, 101)
        own.close()
        for path in ("/chat/widget.js", "/chat/frame?website_token=wt_test"):
            conn = self.server.connection()
            conn.request("GET", path)
            res = conn.getresponse()
            res.read()
            self.assertEqual(res.status, 200, path)
            if "frame" in path:
                self.assertIn("frame-ancestors https://shop.example", res.getheader("Content-Security-Policy"))
        conn = self.server.connection()
        conn.request("GET", "/chat/frame?website_token=wt_nope")
        self.assertEqual(conn.getresponse().status, 404)

    def test_conversation_across_tabs_duplicates_and_reconnects(self):
        one = Tab(self.server.port, name="Ada", email="ada@example.com")
        self.assertEqual(one.welcome["seq"], 0)
        self.assertEqual(self.tickets(), [], "a visitor who said nothing is stored nowhere")

        ack = one.say("c1", "Where is my order?")
        self.assertEqual(ack["seq"], 1)
        self.assertEqual(one.say("c1", "Where is my order?"), ack, "a resend gets the same ack")
        [ticket] = self.tickets()
        msgs = self.messages(ticket["id"])
        self.assertEqual([m["body"] for m in msgs], ["Where is my order?"])
        self.assertEqual(msgs[0]["id"], ack["message_id"])
        status, customer = self.call("GET", f"/api/v1/customers/{ticket['customer_id']}")
        self.assertEqual(customer["name"], "Ada")
        self.assertIn({"type": "email", "address": "ada@example.com"},
                      [{"type": i["type"], "address": i["address"]} for i in customer["identities"]])

        two = Tab(self.server.port, token=one.token, after=0)
        self.assertEqual(two.welcome["seq"], 1)
        line = two.next("message")
        self.assertEqual((line["seq"], line["author"], line["text"], line["client_id"]),
                         (1, "customer", "Where is my order?", "c1"))

        self.reply(ticket["id"], "It ships today.")
        for tab in (one, two):
            m = tab.next("message")
            self.assertEqual((m["seq"], m["author"], m["text"]), (2, "agent", "It ships today."))
            self.assertTrue(m.get("agent_name"), m)

        self.assertEqual(one.say("c2", "Thanks!")["seq"], 3)
        m = two.next("message")
        self.assertEqual((m["seq"], m["text"]), (3, "Thanks!"))
        one.close()
        two.close()

        # Missed two lines: a reconnect with after=1 gets 2 and 3, in order, once.
        three = Tab(self.server.port, token=one.token, after=1)
        self.assertEqual(three.welcome["seq"], 3)
        self.assertEqual([three.next("message")["seq"] for _ in range(2)], [2, 3])
        three.send({"type": "ping"})
        self.assertEqual(three.next(), {"type": "pong"}, "nothing else was sent")
        self.assertEqual(len(self.messages(ticket["id"])), 3)

    def test_bad_frames_change_nothing(self):
        tab = Tab(self.server.port)
        tab.ws.send(0x1, b"not json")
        self.assertEqual(tab.next("error")["code"], "bad_json")
        tab.send({"type": "shout"})
        self.assertEqual(tab.next("error")["code"], "unknown_type")
        tab.send({"type": "message", "client_id": "bad id!", "text": "x"})
        self.assertEqual(tab.next("error")["code"], "bad_frame")
        tab.send({"type": "hello", "visitor_token": None})
        self.assertEqual(tab.next("error")["code"], "bad_frame")
        tab.ws.send(0x1, json.dumps({"type": "message", "client_id": "big", "text": "x" * 17000}).encode())
        self.assertEqual(tab.close_code(), 1009)

        early = WsClient(self.server.port, "/chat/ws?website_token=wt_test", {"Origin": SHOP})
        early.send(0x1, json.dumps({"type": "message", "client_id": "a", "text": "hi"}).encode())
        self.assertEqual(early.event()["code"], "hello_first")
        early.send(0x2, b"\x00\x01")
        while True:
            op, payload = early.frame()
            if op == 0x8:
                self.assertEqual(struct.unpack(">H", payload[:2])[0], 1003)
                break

        # A forged token starts a new visitor, never another's conversation.
        real = Tab(self.server.port)
        real.say("r1", "my secret order")
        forged = real.token[:-1] + ("0" if real.token[-1] != "0" else "1")
        other = Tab(self.server.port, token=forged)
        self.assertNotEqual(other.token, real.token)
        self.assertEqual(other.welcome["seq"], 0)
        other.send({"type": "ping"})
        self.assertEqual(other.next(), {"type": "pong"})
        self.assertEqual(len(self.tickets()), 1)
        self.assertEqual(self.server.proc.poll(), None)

    def test_a_flood_is_limited_and_every_ack_is_stored(self):
        tab = Tab(self.server.port)
        for i in range(40):
            tab.send({"type": "message", "client_id": f"f{i}", "text": f"flood {i}"})
        acks, limited = 0, 0
        while acks + limited < 40:
            f = tab.next()
            if f["type"] == "ack":
                acks += 1
            elif f["type"] == "error" and f["code"] == "rate_limited":
                limited += 1
        self.assertGreater(limited, 0)
        [ticket] = self.tickets()
        self.assertEqual(len(self.messages(ticket["id"])), acks)

    def test_away_visitor_gets_the_reply_by_mail_and_the_answer_threads_back(self):
        tab = Tab(self.server.port, email="ada@example.com")
        tab.say("a1", "Can you call me back?")
        [ticket] = self.tickets()
        tab.close()
        time.sleep(0.2)
        self.reply(ticket["id"], "Sure, tomorrow at 10.")
        [mail] = self.sink.wait_for(1)
        msg = email.message_from_bytes(mail.content)
        self.assertEqual(mail.rcpt_tos, ["ada@example.com"])
        self.assertIn("Sure, tomorrow at 10.", msg.get_payload(decode=True).decode() if not msg.is_multipart()
                      else msg.get_payload(0).get_payload(decode=True).decode())
        answer = (f"From: ada@example.com\r\nTo: support@acme.test\r\nSubject: Re: {msg['Subject']}\r\n"
                  f"Message-ID: <answer-1@example.com>\r\nIn-Reply-To: {msg['Message-ID']}\r\n\r\n10 is fine.\r\n")
        with smtplib.SMTP("127.0.0.1", self.server.ports["smtp"]) as s:
            s.sendmail("ada@example.com", ["support@acme.test"], answer)
        self.assertEqual([t["id"] for t in self.tickets()], [ticket["id"]])
        self.assertEqual(self.messages(ticket["id"])[-1]["body"], "10 is fine.")

        # Back in the chat, the reply is there.
        back = Tab(self.server.port, token=tab.token, after=1)
        m = back.next("message")
        self.assertEqual((m["seq"], m["text"]), (2, "Sure, tomorrow at 10."))

    def test_inline_survey_and_typing(self):
        tab = Tab(self.server.port)
        tab.say("s1", "Help!")
        [ticket] = self.tickets()
        tab.send({"type": "typing", "on": True})
        status, _ = self.call("POST", f"/api/v1/tickets/{ticket['id']}/viewing", {"typing": True})
        self.assertIn(status, (200, 204))
        typing = tab.next("typing")
        self.assertTrue(typing["on"])
        self.reply(ticket["id"], "Done.")
        status, body = self.call("PATCH", f"/api/v1/tickets/{ticket['id']}", {"status": "solved"})
        self.assertEqual(status, 200, body)
        survey = tab.next("survey")
        self.assertEqual(survey["kind"], "csat")
        tab.send({"type": "survey_answer", "id": survey["id"] + 1000, "score": 5})
        self.assertEqual(tab.next("error")["code"], "not_found")
        tab.send({"type": "survey_answer", "id": survey["id"], "score": 5, "comment": "fast"})
        self.assertEqual(tab.next("survey_answered")["id"], survey["id"])
        status, t = self.call("GET", f"/api/v1/tickets/{ticket['id']}")
        self.assertEqual((t["survey"]["status"], t["survey"]["score"], t["survey"]["comment"]), ("answered", 5, "fast"))
        self.assertEqual(t["status"], "solved")


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
