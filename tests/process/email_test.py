"""Email in over SMTP and LMTP with real clients (Python's smtplib, swaks), on the real binary.

250 only after the message is durable; replies thread by their headers, never by subject
alone; a [#ID] token counts only from a participant; a closed ticket's follow-up opens a new,
linked ticket; automatic mail never reopens; redeliveries store nothing twice; kill -9 during
a burst loses no acknowledged message.
"""
import base64
import email
import email.policy
import hashlib
import hmac
import json
import os
import re
import socket
import time
import shutil
import smtplib
import sqlite3
import subprocess
import sys
import threading
import unittest

from aiosmtpd.controller import Controller

from harness import Touchpoint, temp_dir, Sink, free_port  # noqa: E402

BINARY = sys.argv.pop(1) if len(sys.argv) > 1 else "build/touchpoint"
FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures", "email")
ADMIN = {"TOUCHPOINT_ADMIN_EMAIL": "boss@acme.test", "TOUCHPOINT_ADMIN_PASSWORD": "correct horse battery"}

CONFIG = """
[server]
public_url = "http://tickets.acme.test"
outbox_retry_base_seconds = 0
outbox_poll_ms = 50

[[channel]]
type = "email"
name = "support"
address = "support@acme.test"
from_name = "ACME Support"
smtp_url = "smtp://127.0.0.1:{sink_port}"
inbound_basic_auth = "postmark:hook-secret"
mailgun_signing_key = "key-test-signing"

[[channel]]
type = "email"
name = "sales"
addresses = ["sales@acme.test", "Vendite@acme.test"]
"""


def mail(message_id, sender, subject, body, extra=""):
    return (f"From: {sender}\r\nTo: support@acme.test\r\nSubject: {subject}\r\n"
            f"Message-ID: <{message_id}>\r\n{extra}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n").encode()


class EmailTest(unittest.TestCase):
    def setUp(self):
        self.dir = temp_dir()
        self.data = self.dir + "/data"
        self.sink = Sink()
        self.sink_port = free_port()
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.sink_port)
        self.controller.start()
        self.server = self.start()

    def start(self):
        return Touchpoint(BINARY, self.data, CONFIG.format(sink_port=self.sink_port), extra_env=ADMIN,
                          args=("--smtp", "127.0.0.1:0", "--lmtp", "127.0.0.1:0"),
                          listeners=("http", "smtp", "lmtp"))

    def tearDown(self):
        if self.server.proc.poll() is None:
            self.server.terminate()
        self.controller.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def delivery(self, message_id, want, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            row = self.rows("SELECT delivery_status, delivery_error, external_id FROM messages WHERE id = ?",
                            message_id)[0]
            if row[0] == want or time.monotonic() > deadline:
                return row
            time.sleep(0.05)

    # -- helpers ---------------------------------------------------------------------------

    def send(self, raw, sender="ada@example.org", to=("support@acme.test",)):
        """One SMTP transaction; answers (code, text) of the final reply."""
        with smtplib.SMTP("127.0.0.1", self.server.ports["smtp"], timeout=30) as s:
            s.ehlo("client.example.org")
            code, text = s.mail(sender)
            self.assertEqual(code, 250, text)
            for r in to:
                code, text = s.rcpt(r)
                if code != 250:
                    return code, text
            return s.data(raw)

    def db(self):
        return sqlite3.connect(f"file:{self.data}/touchpoint.db?mode=ro", uri=True)

    def rows(self, sql, *args):
        with self.db() as c:
            return c.execute(sql, args).fetchall()

    def message(self, external_id):
        rows = self.rows("SELECT ticket_id, body, full_body, thread_rule, automatic, raw_sha256 "
                         "FROM messages WHERE external_id = ?", external_id)
        self.assertEqual(len(rows), 1, f"{external_id}: {rows}")
        return rows[0]

    def api(self, method, path, body=None):
        conn = self.server.connection()
        if not hasattr(self, "token"):
            conn.request("POST", "/api/v1/auth/login", json.dumps(
                {"email": ADMIN["TOUCHPOINT_ADMIN_EMAIL"], "password": ADMIN["TOUCHPOINT_ADMIN_PASSWORD"]}))
            res = conn.getresponse()
            self.token = json.loads(res.read())["token"]
            conn.close()
            conn = self.server.connection()
        conn.request(method, path, json.dumps(body) if body is not None else None,
                     {"Authorization": "Bearer " + self.token, "Content-Type": "application/json"})
        res = conn.getresponse()
        answer = res.status, json.loads(res.read() or b"{}")
        conn.close()
        return answer

    # -- tests -----------------------------------------------------------------------------

    def test_a_delivery_is_stored_with_its_reply_part_full_text_and_raw_message(self):
        with open(os.path.join(FIXTURES, "italian_reply.eml"), "rb") as f:
            raw = f.read()
        code, text = self.send(raw, sender="nicolo.bianchi@example.it")
        self.assertEqual(code, 250, text)
        self.assertIn(b"2.0.0", text)
        ticket, body, full, rule, automatic, sha = self.message("CAit.1@mail.example.it")
        self.assertEqual(body, "Buongiorno, il pacco non è ancora arrivato. Può verificare?")
        self.assertIn("il pacco è partito", full)
        self.assertEqual(rule, "new")  # nothing it answers is ours, and #12 is no ticket of theirs
        self.assertIsNone(automatic)
        with open(f"{self.data}/attachments/{sha[:2]}/{sha[2:4]}/{sha}", "rb") as f:
            kept = f.read()
        self.assertTrue(kept.startswith(b"Return-Path: <nicolo.bianchi@example.it>\r\nReceived: from client.example.org"))
        self.assertTrue(kept.endswith(raw))
        subject, = self.rows("SELECT subject FROM tickets WHERE id = ?", ticket)[0]
        self.assertEqual(subject, "Re: [#12] Il pacco non è arrivato")
        ident = self.rows("SELECT i.type, i.address FROM identities i JOIN tickets t ON t.customer_id = i.customer_id "
                          "WHERE t.id = ?", ticket)
        self.assertEqual(ident, [("email", "nicolo.bianchi@example.it")])

    def download(self, path):
        self.api("GET", "/api/v1/auth/me")  # logs in once
        conn = self.server.connection()
        conn.request("GET", path, headers={"Authorization": "Bearer " + self.token})
        res = conn.getresponse()
        answer = res.status, dict(res.getheaders()), res.read()
        conn.close()
        return answer

    def test_agents_download_attachments_safely_and_the_raw_message_whole(self):
        with open(os.path.join(FIXTURES, "polish_attachments.eml"), "rb") as f:
            raw = f.read()
        self.assertEqual(self.send(raw, sender="pawel@example.pl")[0], 250)
        ticket = self.message("pl.1@example.pl")[0]
        status, view = self.api("GET", f"/api/v1/tickets/{ticket}")
        self.assertEqual(status, 200)
        message = view["messages"][0]
        files = {a["filename"]: a["id"] for a in message["attachments"]}
        status, headers, body = self.download(f"/api/v1/attachments/{files['faktura.pdf']}")
        self.assertEqual((status, body), (200, b"%PDF-1.4 fake"))
        self.assertEqual(headers["Content-Type"], "application/octet-stream")  # never rendered here
        self.assertTrue(headers["Content-Disposition"].startswith('attachment; filename="faktura.pdf"'))
        self.assertEqual(headers["X-Content-Type-Options"], "nosniff")
        self.assertIn("sandbox", headers["Content-Security-Policy"])
        image = [a["id"] for a in message["attachments"] if a["content_type"] == "image/png"][0]
        status, headers, body = self.download(f"/api/v1/attachments/{image}")
        self.assertEqual((status, headers["Content-Type"]), (200, "image/png"))
        self.assertTrue(headers["Content-Disposition"].startswith("inline"))
        status, headers, body = self.download(f"/api/v1/messages/{message['id']}/raw")
        self.assertEqual(status, 200)
        self.assertTrue(body.endswith(raw))
        self.assertTrue(body.startswith(b"Return-Path: <pawel@example.pl>"))
        self.assertEqual(self.download("/api/v1/attachments/999999")[0], 404)
        conn = self.server.connection()
        conn.request("GET", f"/api/v1/attachments/{image}")  # no token
        self.assertEqual(conn.getresponse().status, 401)
        conn.close()

    def postmark(self, body, credentials="postmark:hook-secret"):
        conn = self.server.connection()
        conn.request("POST", "/webhooks/postmark/support", body, {
            "Content-Type": "application/json",
            "Authorization": "Basic " + base64.b64encode(credentials.encode()).decode()})
        res = conn.getresponse()
        answer = res.status, res.read()
        conn.close()
        return answer

    def test_postmark_inbound_is_verified_parsed_like_smtp_mail_and_deduplicated(self):
        with open(os.path.join(FIXTURES, "..", "webhooks", "postmark_inbound.json"), "rb") as f:
            sample = json.loads(f.read())
        self.assertEqual(self.postmark(json.dumps(sample), "postmark:wrong")[0], 401)
        self.assertEqual(self.rows("SELECT count(*) FROM messages")[0][0], 0)
        self.assertEqual(self.postmark("{not json")[0], 400)
        self.assertEqual(self.postmark(json.dumps(sample)), (200, b"{}"))
        self.assertEqual(self.postmark(json.dumps(sample))[0], 200)  # Postmark's retry
        rows = self.rows("SELECT ticket_id, body, external_id FROM messages")
        self.assertEqual(len(rows), 1)
        ticket, body, external = rows[0]
        self.assertEqual((body, external), ("This is a test text body.", "postmark:73e6d360-66eb-11e1-8e72-a8904824019b"))
        status, view = self.api("GET", f"/api/v1/tickets/{ticket}")
        self.assertEqual(view["subject"], "Test subject")
        attachment = view["messages"][0]["attachments"][0]
        self.assertEqual(attachment["filename"], "test.txt")
        self.assertEqual(self.download(f"/api/v1/attachments/{attachment['id']}")[2],
                         b"This is attachment contents, base-64 encoded.")
        # A reply carrying headers threads like mail from the SMTP listener.
        sample["MessageID"] = "second-delivery"
        sample["Subject"] = "Re: Test subject"
        sample["Headers"] = [{"Name": "Message-ID", "Value": "<pm2@postmarkapp.com>"},
                             {"Name": "In-Reply-To", "Value": "<x@y>"},
                             {"Name": "Auto-Submitted", "Value": "auto-replied"}]
        sample["Attachments"] = []
        self.assertEqual(self.postmark(json.dumps(sample))[0], 200)
        reply = self.message("pm2@postmarkapp.com")
        self.assertEqual(reply[4], "Auto-Submitted: auto-replied")

    # -- Mailgun and SendGrid post forms ---------------------------------------------------

    def post_form(self, provider, fields, credentials=None, urlencoded=False):
        """fields: (name, value) or (name, bytes, filename, content type)."""
        if urlencoded:
            from urllib.parse import urlencode
            body, ctype = urlencode([(f[0], f[1]) for f in fields]).encode(), "application/x-www-form-urlencoded"
        else:
            boundary = "----touchpoint-test-" + hashlib.sha1(repr(fields).encode()).hexdigest()
            body = b""
            for f in fields:
                value = f[1] if isinstance(f[1], bytes) else f[1].encode()
                body += f"--{boundary}\r\nContent-Disposition: form-data; name=\"{f[0]}\"".encode()
                if len(f) > 2:
                    body += f"; filename=\"{f[2]}\"\r\nContent-Type: {f[3]}".encode()
                body += b"\r\n\r\n" + value + b"\r\n"
            body += f"--{boundary}--\r\n".encode()
            ctype = "multipart/form-data; boundary=" + boundary
        headers = {"Content-Type": ctype}
        if credentials:
            headers["Authorization"] = "Basic " + base64.b64encode(credentials.encode()).decode()
        conn = self.server.connection()
        conn.request("POST", f"/webhooks/{provider}/support", body, headers)
        res = conn.getresponse()
        answer = res.status, res.read()
        conn.close()
        return answer

    @staticmethod
    def mailgun_signature(timestamp=None, token=None, key="key-test-signing"):
        timestamp = str(int(time.time()) if timestamp is None else timestamp)
        token = token or os.urandom(25).hex()
        return [("timestamp", timestamp), ("token", token),
                ("signature", hmac.new(key.encode(), (timestamp + token).encode(), hashlib.sha256).hexdigest())]

    def test_mailgun_forwards_are_signed_fresh_parsed_and_stored_once(self):
        png = bytes(range(256)) * 8
        parsed = [("recipient", "support@acme.test"), ("sender", "nico@example.it"),
                  ("from", "Nicolò Bianchi <nico@example.it>"), ("subject", "Fattura di ottobre"),
                  ("body-plain", "Buongiorno, allego la fattura.\r\n\r\n-- \r\nNicolò"),
                  ("message-headers", json.dumps([["From", "Nicolò Bianchi <nico@example.it>"],
                                                  ["Subject", "Fattura di ottobre"],
                                                  ["Message-Id", "<mg.1@example.it>"]])),
                  ("attachment-count", "1"), ("attachment-1", png, "fattura.png", "image/png")]
        self.assertEqual(self.post_form("mailgun", parsed + self.mailgun_signature(key="wrong"))[0], 401)
        self.assertEqual(self.post_form("mailgun", parsed + self.mailgun_signature(time.time() - 600))[0], 401)
        self.assertEqual(self.post_form("mailgun", parsed)[0], 401)  # unsigned
        self.assertEqual(self.rows("SELECT count(*) FROM messages")[0][0], 0)
        self.assertEqual(self.post_form("mailgun", parsed + self.mailgun_signature()), (200, b"{}"))
        self.assertEqual(self.post_form("mailgun", parsed + self.mailgun_signature())[0], 200)  # Mailgun's retry
        ticket, body = self.message("mg.1@example.it")[:2]
        self.assertEqual(body, "Buongiorno, allego la fattura.")
        status, view = self.api("GET", f"/api/v1/tickets/{ticket}")
        self.assertEqual(view["subject"], "Fattura di ottobre")
        attachment = view["messages"][0]["attachments"][0]
        self.assertEqual(attachment["filename"], "fattura.png")
        self.assertEqual(self.download(f"/api/v1/attachments/{attachment['id']}")[2], png)
        # A route ending in "mime" posts the raw mail; urlencoded when it has no files.
        raw = mail("mg.2@example.it", "nico@example.it", "Re: Fattura di ottobre", "Grazie",
                   "In-Reply-To: <mg.1@example.it>\r\n").decode()
        self.assertEqual(self.post_form("mailgun", [("sender", "nico@example.it"), ("body-mime", raw)]
                                        + self.mailgun_signature(), urlencoded=True)[0], 200)
        self.assertEqual(self.message("mg.2@example.it")[0], ticket)
        self.assertEqual(self.message("mg.2@example.it")[3], "in-reply-to")
        self.assertEqual(self.post_form("mailgun", [("nothing", "useful")] + self.mailgun_signature())[0], 400)

    def test_sendgrid_raw_mime_needs_the_credentials_and_takes_mail_over_a_mebibyte(self):
        pdf = os.urandom(3 * 1024 * 1024)
        raw = (b"From: Maria <maria@example.es>\r\nTo: support@acme.test\r\nSubject: Factura\r\n"
               b"Message-ID: <sg.1@example.es>\r\nMIME-Version: 1.0\r\n"
               b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
               b"Adjunto la factura.\r\n--b\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
               b"Content-Disposition: attachment; filename=factura.pdf\r\n\r\n"
               + base64.encodebytes(pdf).replace(b"\n", b"\r\n") + b"--b--\r\n")
        fields = [("envelope", json.dumps({"to": ["support@acme.test"], "from": "maria@example.es"})),
                  ("email", raw)]
        self.assertEqual(self.post_form("sendgrid", fields)[0], 401)
        self.assertEqual(self.post_form("sendgrid", fields, "postmark:wrong")[0], 401)
        self.assertEqual(self.rows("SELECT count(*) FROM messages")[0][0], 0)
        self.assertEqual(self.post_form("sendgrid", fields, "postmark:hook-secret"), (200, b"{}"))
        self.assertEqual(self.post_form("sendgrid", fields, "postmark:hook-secret")[0], 200)
        ticket, body, full, rule, automatic, sha = self.message("sg.1@example.es")
        self.assertEqual(body, "Adjunto la factura.")
        with open(f"{self.data}/attachments/{sha[:2]}/{sha[2:4]}/{sha}", "rb") as f:
            self.assertEqual(f.read(), raw)
        status, view = self.api("GET", f"/api/v1/tickets/{ticket}")
        attachment = view["messages"][0]["attachments"][0]
        self.assertEqual(self.download(f"/api/v1/attachments/{attachment['id']}")[2], pdf)
        self.assertEqual(self.post_form("sendgrid", [("to", "x")], "postmark:hook-secret")[0], 400)

    def test_replies_thread_by_headers_and_a_token_only_from_a_participant(self):
        self.assertEqual(self.send(mail("a1@example.org", "Ada <ada@example.org>", "Printer on fire", "Help"))[0], 250)
        first = self.message("a1@example.org")[0]
        # A reply by In-Reply-To, one by References only: the same ticket.
        self.send(mail("a2@example.org", "ada@example.org", "Re: Printer on fire", "Still burning",
                       "In-Reply-To: <a1@example.org>\r\n"))
        self.send(mail("a3@example.org", "ada@example.org", "whatever", "Out now",
                       "References: <unknown@x> <a1@example.org>\r\n"))
        self.assertEqual(self.message("a2@example.org")[:1] + self.message("a2@example.org")[3:4], (first, "in-reply-to"))
        self.assertEqual(self.message("a3@example.org")[3], "references")
        self.assertEqual(self.message("a3@example.org")[0], first)
        # Someone else with the same subject: never merged by subject.
        self.send(mail("b1@example.net", "bob@example.net", "Printer on fire", "Mine too"), sender="bob@example.net")
        self.assertNotEqual(self.message("b1@example.net")[0], first)
        # The [#ID] token: honoured from the ticket's customer, not from a stranger.
        self.send(mail("a4@example.org", "ada@example.org", f"Update [#{first}]", "Fixed"))
        self.assertEqual(self.message("a4@example.org")[0], first)
        self.assertEqual(self.message("a4@example.org")[3], "subject")
        self.send(mail("m1@evil.example", "mallory@evil.example", f"Re: [#{first}]", "inject"), sender="mallory@evil.example")
        self.assertNotEqual(self.message("m1@evil.example")[0], first)

    def test_mail_from_our_own_address_is_flagged_and_never_reopens(self):
        self.send(mail("o1@example.org", "ada@example.org", "Refund", "Please refund"))
        ticket = self.message("o1@example.org")[0]
        self.assertEqual(self.api("PATCH", f"/api/v1/tickets/{ticket}", {"status": "solved"})[0], 200)
        # A customer's forwarding rule sends our mail back, From: our support address.
        self.send(mail("o2@example.org", "ACME Support <Support@acme.test>", "Re: Refund", "Your refund is on its way",
                       "In-Reply-To: <o1@example.org>\r\n"), sender="support@acme.test")
        reply = self.message("o2@example.org")
        self.assertEqual(reply[0], ticket)
        self.assertEqual(reply[4], "From: our own address support@acme.test")
        self.assertEqual(self.rows("SELECT status FROM tickets WHERE id = ?", ticket)[0][0], "solved")
        # A copy of our own reply coming back (a Bcc, a forward of the whole message) is that reply.
        status, created = self.api("POST", f"/api/v1/tickets/{ticket}/messages", {"body": "Refunded today."})
        self.assertEqual(status, 201)
        ours = self.sink.wait_for(1)[0].original_content
        self.delivery(created["message_id"], "sent")
        before = self.rows("SELECT count(*) FROM messages")[0][0]
        self.assertEqual(self.send(ours, sender="support@acme.test")[0], 250)
        self.assertEqual(self.rows("SELECT count(*) FROM messages")[0][0], before)

    def test_a_redelivery_is_acknowledged_and_stored_once(self):
        raw = mail("dup@example.org", "ada@example.org", "Twice", "same mail")
        self.assertEqual(self.send(raw)[0], 250)
        self.assertEqual(self.send(raw)[0], 250)
        self.assertEqual(len(self.rows("SELECT id FROM messages WHERE external_id = 'dup@example.org'")), 1)

    def test_an_unknown_recipient_is_refused_and_nothing_is_stored(self):
        code, text = self.send(mail("x@example.org", "ada@example.org", "Hi", "x"), to=("nobody@acme.test",))
        self.assertEqual(code, 550, text)
        self.assertEqual(self.rows("SELECT count(*) FROM messages")[0][0], 0)

    def test_a_reply_to_a_closed_ticket_opens_a_linked_one_and_automatic_mail_never_reopens(self):
        self.send(mail("c1@example.org", "ada@example.org", "Refund", "Please refund"))
        ticket = self.message("c1@example.org")[0]
        self.assertEqual(self.api("PATCH", f"/api/v1/tickets/{ticket}", {"status": "solved"})[0], 200)
        self.send(mail("c2@example.org", "ada@example.org", "Automatic reply: Refund", "I am away",
                       "In-Reply-To: <c1@example.org>\r\nAuto-Submitted: auto-replied\r\n"))
        self.assertEqual(self.message("c2@example.org")[0], ticket)
        self.assertEqual(self.message("c2@example.org")[4], "Auto-Submitted: auto-replied")
        self.assertEqual(self.rows("SELECT status FROM tickets WHERE id = ?", ticket)[0][0], "solved")
        self.assertEqual(self.api("PATCH", f"/api/v1/tickets/{ticket}", {"status": "closed"})[0], 200)
        self.send(mail("c3@example.org", "ada@example.org", "Re: Refund", "Not received",
                       "In-Reply-To: <c1@example.org>\r\n"))
        follow_up = self.message("c3@example.org")[0]
        self.assertNotEqual(follow_up, ticket)
        status, view = self.api("GET", f"/api/v1/tickets/{follow_up}")
        self.assertEqual(status, 200)
        self.assertIn({"type": "ticket.follow_up_of", "old_value": str(ticket)},
                      [{"type": e["type"], "old_value": e.get("old_value")} for e in view["events"]])
        self.assertEqual(view["messages"][0]["email"]["thread_rule"], "in-reply-to")

    def test_an_agent_reply_is_submitted_threaded_and_the_customers_answer_comes_back(self):
        self.send(mail("p1@example.org", "Ada Lovelace <ada@example.org>", "Printer on fire", "Help!"))
        ticket = self.message("p1@example.org")[0]
        status, created = self.api("POST", f"/api/v1/tickets/{ticket}/messages",
                                   {"body": "A new one is on its way.\n.a line that starts with a dot\nCiao è"})
        self.assertEqual(status, 201, created)
        got = self.sink.wait_for(1)
        self.assertEqual(len(got), 1)
        self.assertEqual(got[0].mail_from, "support@acme.test")
        self.assertEqual(got[0].rcpt_tos, ["ada@example.org"])
        sent = email.message_from_bytes(got[0].original_content, policy=email.policy.default)
        self.assertEqual(sent["From"], "ACME Support <support@acme.test>")
        self.assertEqual(sent["To"], "ada@example.org")
        self.assertEqual(sent["Subject"], f"Re: [#{ticket}] Printer on fire")
        self.assertEqual(sent["In-Reply-To"], "<p1@example.org>")
        self.assertIn("<p1@example.org>", sent["References"])
        self.assertNotIn("Auto-Submitted", sent)  # an agent's reply is no automatic mail
        ours = sent["Message-ID"].strip("<>")
        self.assertRegex(ours, rf"^tp\.{ticket}\.{created['message_id']}\.[0-9a-f]{{16}}@acme\.test$")
        self.assertEqual(sent.get_content_type(), "multipart/alternative")
        self.assertEqual(sent.get_body(("plain",)).get_content().replace("\r\n", "\n"),
                         "A new one is on its way.\n.a line that starts with a dot\nCiao è")
        self.assertEqual(self.delivery(created["message_id"], "sent")[::2], ("sent", ours))
        # The customer answers our mail under another subject: it finds the ticket by its id.
        self.send(mail("p2@example.org", "ada@example.org", "thanks", "Got it",
                       f"In-Reply-To: <{ours}>\r\n"))
        self.assertEqual(self.message("p2@example.org")[0], ticket)
        self.assertEqual(self.message("p2@example.org")[3], "in-reply-to")

    def test_an_agent_reply_carries_its_files_and_a_note_keeps_them(self):
        self.send(mail("f1@example.org", "ada@example.org", "Invoice", "Please resend the invoice"))
        ticket = self.message("f1@example.org")[0]
        pdf = os.urandom(2 * 1024 * 1024)  # over the 1 MiB other API calls take
        status, created = self.api("POST", f"/api/v1/tickets/{ticket}/messages", {
            "body": "Here it is.",
            "attachments": [{"filename": "fattura ottobre.pdf", "content_type": "application/pdf",
                             "content_base64": base64.b64encode(pdf).decode()}]})
        self.assertEqual(status, 201, created)
        got = self.sink.wait_for(1)
        self.assertEqual(len(got), 1)
        sent = email.message_from_bytes(got[0].original_content, policy=email.policy.default)
        self.assertEqual(sent.get_content_type(), "multipart/mixed")
        self.assertEqual(sent.get_body(("plain",)).get_content().strip(), "Here it is.")
        files = list(sent.iter_attachments())
        self.assertEqual([(f.get_filename(), f.get_content_type()) for f in files],
                         [("fattura ottobre.pdf", "application/pdf")])
        self.assertEqual(files[0].get_content(), pdf)
        status, view = self.api("GET", f"/api/v1/tickets/{ticket}")
        reply = [m for m in view["messages"] if m["id"] == created["message_id"]][0]
        self.assertEqual([a["filename"] for a in reply["attachments"]], ["fattura ottobre.pdf"])
        self.assertEqual(self.download(f"/api/v1/attachments/{reply['attachments'][0]['id']}")[2], pdf)
        status, note = self.api("POST", f"/api/v1/tickets/{ticket}/messages", {
            "body": "Screenshot of the ledger", "internal": True,
            "attachments": [{"filename": "ledger.png", "content_type": "image/png", "content_base64": "iVBORw0KGgo="}]})
        self.assertEqual(status, 201, note)
        status, error = self.api("POST", f"/api/v1/tickets/{ticket}/messages", {
            "body": "x", "attachments": [{"content_base64": "***"}]})
        self.assertEqual((status, error["error"]["code"]), (400, "bad_request"))
        time.sleep(0.3)
        self.assertEqual(len(self.sink.messages), 1)  # the note and the refusal sent nothing

    def test_a_refused_reply_fails_with_the_servers_words_and_a_4xx_is_retried(self):
        self.send(mail("r1@example.org", "ada@example.org", "Hello", "Hi"))
        ticket = self.message("r1@example.org")[0]
        self.sink.script = ["550 5.1.1 <ada@example.org>: mailbox unavailable"]
        _, refused = self.api("POST", f"/api/v1/tickets/{ticket}/messages", {"body": "one"})
        status, error, _ = self.delivery(refused["message_id"], "failed")
        self.assertEqual(status, "failed")
        self.assertIn("550 5.1.1", error)
        self.sink.script = ["451 4.3.0 try again later"]
        _, retried = self.api("POST", f"/api/v1/tickets/{ticket}/messages", {"body": "two"})
        self.assertEqual(self.delivery(retried["message_id"], "sent")[0], "sent")
        self.assertEqual(len(self.sink.wait_for(1)), 1)  # delivered once, after the 451

    def test_a_bounce_fails_the_reply_it_reports_on(self):
        self.send(mail("d1@example.org", "gone@example.net", "Order", "Hi"), sender="gone@example.net")
        ticket = self.message("d1@example.org")[0]
        _, created = self.api("POST", f"/api/v1/tickets/{ticket}/messages", {"body": "Sent!"})
        ours = self.delivery(created["message_id"], "sent")[2]
        with open(os.path.join(FIXTURES, "bounce_dsn.eml"), "rb") as f:
            dsn = f.read().replace(b"tp.9.33.abc@acme.test", ours.encode())
        self.assertEqual(self.send(dsn, sender="")[0], 250)
        status, error, _ = self.delivery(created["message_id"], "failed")
        self.assertEqual(status, "failed")
        self.assertIn("5.1.1", error)
        bounce = self.message("dsn.1@mx.example.net")
        self.assertEqual((bounce[0], bounce[3]), (ticket, "bounce"))
        self.assertIsNotNone(bounce[4])

    def test_swaks_over_lmtp_gets_one_reply_per_recipient_and_a_ticket_per_channel(self):
        out = subprocess.run(
            ["swaks", "--protocol", "LMTP", "--server", "127.0.0.1", "--port", str(self.server.ports["lmtp"]),
             "--from", "ada@example.org", "--to", "support@acme.test,vendite@acme.test",
             "--header", "Message-Id: <lmtp1@example.org>", "--header", "Subject: Two teams",
             "--body", "For support and sales"],
            capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("250 2.0.0 <support@acme.test> delivered", out.stdout)
        self.assertIn("250 2.0.0 <vendite@acme.test> delivered", out.stdout)
        channels = self.rows("SELECT channel_name FROM messages WHERE external_id = 'lmtp1@example.org' ORDER BY 1")
        self.assertEqual(channels, [("sales",), ("support",)])

    def test_swaks_over_smtp_with_pipelining(self):
        out = subprocess.run(
            ["swaks", "--pipeline", "--server", "127.0.0.1", "--port", str(self.server.ports["smtp"]),
             "--from", "ada@example.org", "--to", "support@acme.test",
             "--header", "Message-Id: <swaks1@example.org>", "--header", "Subject: Piped", "--body", "hello"],
            capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertEqual(self.message("swaks1@example.org")[1], "hello")

    def test_kill9_during_a_burst_loses_no_acknowledged_message(self):
        acked, lock, enough = [], threading.Lock(), threading.Event()

        def client(n):
            try:
                with smtplib.SMTP("127.0.0.1", self.server.ports["smtp"], timeout=30) as s:
                    s.ehlo("burst.example.org")
                    i = 0
                    while True:
                        mid = f"burst-{n}-{i}@example.org"
                        s.mail(f"c{n}@example.org")
                        s.rcpt("support@acme.test")
                        code, _ = s.data(mail(mid, f"c{n}@example.org", f"Burst {i}", "x" * 2000))
                        if code == 250:
                            with lock:
                                acked.append(mid)
                                if len(acked) >= 150:
                                    enough.set()
                        i += 1
            except (smtplib.SMTPException, OSError):
                return  # the server died under us: the message in flight was never acknowledged

        threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        self.assertTrue(enough.wait(timeout=120), "the server never acknowledged enough mail")
        self.server.kill9()
        for t in threads:
            t.join(timeout=60)
        self.server = self.start()
        stored = {r[0]: r[1] for r in self.rows(
            "SELECT external_id, count(*) FROM messages WHERE external_id LIKE 'burst-%' GROUP BY 1")}
        missing = [m for m in acked if m not in stored]
        self.assertEqual(missing, [])
        self.assertEqual([m for m, n in stored.items() if n != 1], [])
        # Every stored message names a raw file that is there (written before its commit).
        for (sha,) in self.rows("SELECT raw_sha256 FROM messages WHERE external_id LIKE 'burst-%'"):
            self.assertTrue(os.path.exists(f"{self.data}/attachments/{sha[:2]}/{sha[2:4]}/{sha}"), sha)



class SubmissionSecurityTest(unittest.TestCase):
    """Replies through a submission server that demands STARTTLS and then AUTH, as real ones do:
    aiosmtpd with a throwaway certificate our server trusts through SSL_CERT_FILE."""

    def setUp(self):
        import ssl
        self.dir = temp_dir()
        cert, key = self.dir + "/smtp.pem", self.dir + "/smtp.key"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", key, "-out", cert], check=True, capture_output=True)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        self.logins = []

        def authenticate(server, session, envelope, mechanism, auth_data):
            from aiosmtpd.smtp import AuthResult
            self.logins.append((mechanism, session.ssl is not None, auth_data.login, auth_data.password))
            ok = auth_data.login == b"agent@acme.test" and auth_data.password == b"s3cret"
            return AuthResult(success=ok, handled=False)  # aiosmtpd answers 535 itself

        self.sink = Sink()
        port = free_port()
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=port, tls_context=context,
                                     require_starttls=True, authenticator=authenticate,
                                     auth_require_tls=True)
        self.controller.start()
        self.config = CONFIG.format(sink_port=port) + """
[[channel]]
type = "email"
name = "secure"
address = "secure@acme.test"
smtp_url = "smtp://127.0.0.1:{port}"
smtp_user = "agent@acme.test"
smtp_password = "{password}"
"""
        self.port, self.cert, self.data = port, cert, self.dir + "/data"

    def tearDown(self):
        if self.server.proc.poll() is None:
            self.server.terminate()
        self.controller.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def reply_through(self, password):
        self.server = Touchpoint(BINARY, self.data, self.config.format(port=self.port, password=password),
                                 extra_env=dict(ADMIN, SSL_CERT_FILE=self.cert), args=("--smtp", "127.0.0.1:0"),
                                 listeners=("http", "smtp"))
        self.send(mail("s1@example.org", "ada@example.org", "Hello", "Hi"), to=("secure@acme.test",))
        ticket = self.message("s1@example.org")[0]
        status, created = self.api("POST", f"/api/v1/tickets/{ticket}/messages", {"body": "Hello Ada"})
        self.assertEqual(status, 201)
        return created["message_id"]

    # The same client helpers as EmailTest.
    send, message, api, rows, db, delivery = (EmailTest.send, EmailTest.message, EmailTest.api, EmailTest.rows,
                                              EmailTest.db, EmailTest.delivery)

    def test_a_reply_goes_out_over_starttls_after_auth(self):
        message_id = self.reply_through("s3cret")
        self.assertEqual(self.delivery(message_id, "sent")[0], "sent")
        self.assertEqual(len(self.sink.wait_for(1)), 1)
        self.assertEqual([(tls, login) for _, tls, login, _ in self.logins], [(True, b"agent@acme.test")])

    def test_wrong_credentials_fail_the_reply_with_the_servers_words(self):
        message_id = self.reply_through("wrong")
        status, error, _ = self.delivery(message_id, "failed")
        self.assertEqual(status, "failed")
        self.assertIn("535", error)
        self.assertEqual(self.sink.messages, [])
        self.server.terminate()
        self.assertNotIn(b"wrong", self.server.output)  # the password is never logged

if __name__ == "__main__":
    unittest.main()
