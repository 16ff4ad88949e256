"""Satisfaction surveys on the real binary: a solved API-channel ticket is surveyed after the
delay through the channel's callback (question, score, "why?", comment, thanks; the ticket stays
solved; survey.answered arrives live); a solved mail ticket gets a mail in its thread with one
link per score, whose page records nothing on GET and records (then replaces) on POST, with a
clear page for bad input; a restart before the delay loses the survey and sends it once; the
satisfaction report counts them; a bad [survey] table stops `serve` naming the key.

usage: survey_test.py path/to/touchpoint
"""
import email
import hashlib
import hmac
import http.server
import json
import os
import shutil
import smtplib
import sys
import threading
import time
import unittest
import urllib.parse

from aiosmtpd.controller import Controller

sys.path.insert(0, os.path.dirname(__file__))
from harness import api_call, sign_in, Sink, Touchpoint, free_port, post_message, serve_fails, temp_dir  # noqa: E402
from ws_client import WsClient  # noqa: E402

ADMIN = {"TOUCHPOINT_ADMIN_EMAIL": "boss@acme.test", "TOUCHPOINT_ADMIN_PASSWORD": "boss-password-1"}

CONFIG = """
[server]
public_url = "http://tickets.acme.test/"
outbox_retry_base_seconds = 0
outbox_poll_ms = 50

[[channel]]
type = "api"
name = "crm"
token = "s3cret"
callback_url = "http://127.0.0.1:{callback_port}/replies"

[[channel]]
type = "email"
name = "support"
address = "support@acme.test"
smtp_url = "smtp://127.0.0.1:{sink_port}"

[survey]
kind = "csat"
delay = "2s"
cooldown = "30d"
expires = "7d"
language = "en"
"""


class Callbacks(http.server.ThreadingHTTPServer):
    """The API channel's receiver: checks each POST's signature and keeps its JSON."""

    def __init__(self):
        self.posts, self.cond, self.bad_signatures = [], threading.Condition(), 0
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                want = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
                with outer.cond:
                    if self.headers.get("X-Touchpoint-Signature") != want:
                        outer.bad_signatures += 1
                    outer.posts.append(json.loads(body))
                    outer.cond.notify_all()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def surveys(self):
        with self.cond:
            return [p for p in self.posts if "survey" in p]

    def wait_for_step(self, step, n=1, timeout=30):
        with self.cond:
            self.cond.wait_for(lambda: sum(1 for p in self.posts
                                           if p.get("survey", {}).get("step") == step) >= n, timeout)
            found = [p for p in self.posts if p.get("survey", {}).get("step") == step]
        if len(found) < n:
            raise AssertionError(f"no {step} callback: {self.posts}")
        return found[n - 1]


class SurveyTest(unittest.TestCase):
    def setUp(self):
        self.dir = temp_dir()
        self.callbacks = Callbacks()
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
        self.callbacks.shutdown()
        shutil.rmtree(self.dir, ignore_errors=True)

    def start(self):
        config = CONFIG.format(callback_port=self.callbacks.server_address[1], sink_port=self.sink_port)
        return Touchpoint(BINARY, self.dir + "/data", config, extra_env=ADMIN,
                          args=("--smtp", "127.0.0.1:0"), listeners=("http", "smtp"))

    def login(self):
        return sign_in(self.server)

    def call(self, method, path, body=None, auth=True):
        return api_call(self.server, method, path, body, self.token if auth else None)

    def page(self, method, path, form=None):
        conn = self.server.connection()
        body = urllib.parse.urlencode(form) if form is not None else None
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if form is not None else {}
        conn.request(method, path, body, headers)
        res = conn.getresponse()
        out = res.status, dict(res.getheaders()), res.read().decode()
        conn.close()
        return out

    def ingest(self, message_id, customer, text, thread):
        conn = self.server.connection()
        status, body = post_message(conn, message_id, customer, text=text, thread=thread)
        conn.close()
        self.assertEqual(status, 200, body)
        return body["ticket_id"]

    def answer_and_solve(self, ticket):
        status, body = self.call("POST", f"/api/v1/tickets/{ticket}/messages", {"body": "Fixed it."})
        self.assertIn(status, (200, 201), body)
        status, body = self.call("PATCH", f"/api/v1/tickets/{ticket}", {"status": "solved"})
        self.assertEqual(status, 200, body)

    def ticket(self, ticket):
        status, body = self.call("GET", f"/api/v1/tickets/{ticket}")
        self.assertEqual(status, 200, body)
        return body

    def wait_for_survey(self, ticket, status, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            t = self.ticket(ticket)
            if t["survey"] and t["survey"]["status"] == status:
                return t
            time.sleep(0.1)
        raise AssertionError(f"survey of {ticket} never became {status}: {t}")

    def test_conversation_on_the_api_channel(self):
        ticket = self.ingest("m1", "cust-ada", "my parcel is lost", "t1")
        self.answer_and_solve(ticket)
        self.assertEqual(self.ticket(ticket)["survey"]["status"], "scheduled")
        question = self.callbacks.wait_for_step("question")
        self.assertEqual(question["ticket_id"], ticket)
        self.assertEqual(question["to"], {"id": "cust-ada"})
        self.assertIn("Reply with a number from 1 (very dissatisfied) to 5 (very satisfied)", question["text"])
        survey_id = question["survey"]["id"]

        live = WsClient(self.server.port, f"/api/v1/live?token={self.token}")
        self.assertEqual(live.event()["type"], "hello")
        self.assertEqual(self.ingest("m2", "cust-ada", "4/5", "t1"), ticket)
        while True:
            e = live.event()
            if e["type"] == "survey.answered":
                break
        self.assertEqual(e["data"], {"ticket_id": ticket, "survey_id": survey_id, "score": 4})
        live.close()
        why = self.callbacks.wait_for_step("reason")
        self.assertEqual(why["text"], "Thank you! What is the main reason for your score?")
        self.assertEqual(self.ingest("m3", "cust-ada", "Quick, but I had to ask twice.", "t1"), ticket)
        thanks = self.callbacks.wait_for_step("thanks")
        self.assertEqual(thanks["text"], "Thank you for your feedback.")
        self.assertEqual(self.callbacks.bad_signatures, 0)

        t = body = self.ticket(ticket)
        self.assertEqual(body["status"], "solved", "survey answers never reopen")
        self.assertEqual(body["survey"]["status"], "answered")
        self.assertEqual(body["survey"]["score"], 4)
        self.assertEqual(body["survey"]["comment"], "Quick, but I had to ask twice.")
        self.assertEqual(body["survey"]["channel"], "api")
        types = [e["type"] for e in t["events"] if e["type"].startswith("survey.")]
        self.assertEqual(types, ["survey.sent", "survey.answered", "survey.commented"])

        # The survey is over: the next message is a contact again, and reopens the ticket.
        self.ingest("m4", "cust-ada", "5", "t1")
        self.assertEqual(self.ticket(ticket)["status"], "open")
        self.assertEqual(len(self.callbacks.surveys()), 3, "nothing sent twice")

        # The customer's experience record holds it all.
        status, record = self.call("GET", f"/api/v1/customers/{body['customer_id']}/experience")
        self.assertEqual(status, 200, record)
        self.assertEqual(record["customer"]["id"], body["customer_id"])
        self.assertEqual(record["feedback"]["surveys_sent"], 1)
        self.assertEqual(record["feedback"]["responses"], 1)
        self.assertEqual(record["feedback"]["csat"], 1.0)
        self.assertEqual(record["feedback"]["comments"][0]["text"], "Quick, but I had to ask twice.")
        self.assertEqual(record["service"]["tickets"], 1)
        self.assertEqual(record["service"]["reopens"], 1)
        self.assertEqual([c["type"] for c in record["channels"]], ["api"])
        self.assertEqual(record["channels"][0]["contacts"], 2, "the first message and the one after the survey")
        journey = [j["type"] for j in record["journey"]]
        self.assertEqual(journey[:4], ["contact", "status_change", "survey_answered", "survey_sent"])
        self.assertIn("health", record)
        status, err = self.call("GET", f"/api/v1/customers/{body['customer_id']}/experience?before=x")
        self.assertEqual(status, 400)
        status, err = self.call("GET", "/api/v1/customers/999999/experience")
        self.assertEqual(status, 404)

        status, report = self.call("GET", "/api/v1/stats/satisfaction?by=channel")
        self.assertEqual(status, 200, report)
        self.assertEqual(report["rows"], [{"key": "api", "kind": "csat", "sent": 1, "responses": 1,
                                           "response_rate": 1.0, "csat": 1.0, "nps": None, "ces": None}])
        status, err = self.call("GET", "/api/v1/stats/satisfaction?by=weekday")
        self.assertEqual(status, 400)
        self.assertEqual(err["error"]["code"], "bad_request")

    def test_mail_with_links_and_the_survey_page(self):
        with smtplib.SMTP("127.0.0.1", self.server.ports["smtp"]) as s:
            s.sendmail("eve@example.com", ["support@acme.test"],
                       b"From: Eve <eve@example.com>\r\nTo: support@acme.test\r\nSubject: Invoice\r\n"
                       b"Message-ID: <inv-1@example.com>\r\n\r\nWhere is my invoice?\r\n")
        status, page = self.call("GET", "/api/v1/tickets?status=new")
        ticket = page["tickets"][0]["id"]
        self.answer_and_solve(ticket)
        self.wait_for_survey(ticket, "sent")
        mails = self.sink.wait_for(2)
        self.assertEqual(len(mails), 2, "the reply, then the survey")
        survey_mail = email.message_from_bytes(mails[1].content)
        self.assertEqual(mails[1].rcpt_tos, ["eve@example.com"])
        self.assertIn("<inv-1@example.com>", survey_mail["References"] or "")
        text = survey_mail.get_payload(decode=True).decode() if not survey_mail.is_multipart() else \
            survey_mail.get_payload(0).get_payload(decode=True).decode()
        self.assertIn("http://tickets.acme.test/s/", text)
        link = [w for w in text.split() if w.startswith("http://tickets.acme.test/s/") and w.endswith("score=5")]
        self.assertEqual(len(link), 1, text)
        path = link[0][len("http://tickets.acme.test"):]
        token_path = path.split("?")[0]

        # A mail scanner's GET records nothing.
        status, headers, html = self.page("GET", path)
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("text/html"))
        self.assertIn("default-src 'none'", headers["Content-Security-Policy"])
        self.assertEqual(headers["Cache-Control"], "no-store")
        self.assertEqual(headers["Referrer-Policy"], "no-referrer")
        self.assertIn('value="5" required checked', html)
        self.assertEqual(self.ticket(ticket)["survey"]["status"], "sent")

        # Bad input: a clear page, nothing recorded.
        for form in ({"score": "abc"}, {"score": "9"}, {"score": "4.5"}, {},
                     {"score": "4", "comment": "x" * 5001}):
            status, headers, html = self.page("POST", token_path, form)
            self.assertEqual(status, 400, form)
            self.assertIn('role="alert"', html)
        self.assertEqual(self.ticket(ticket)["survey"]["status"], "sent")
        status, _, html = self.page("GET", "/s/" + "0" * 40)
        self.assertEqual(status, 404)
        self.assertIn("does not exist", html)
        status, _, _ = self.page("GET", token_path[:-1])
        self.assertEqual(status, 404, "a truncated token")

        status, _, html = self.page("POST", token_path, {"score": "2", "comment": "<script>alert(1)</script>"})
        self.assertEqual(status, 200)
        self.assertIn("Thank you for your feedback.", html)
        status, _, html = self.page("GET", token_path)
        self.assertIn('value="2" required checked', html)
        self.assertIn("&lt;script&gt;", html)
        self.assertNotIn("<script>", html)
        status, _, _ = self.page("POST", token_path, {"score": "5", "comment": "sorted now"})
        self.assertEqual(status, 200)
        survey = self.ticket(ticket)["survey"]
        self.assertEqual((survey["status"], survey["score"], survey["comment"]), ("answered", 5, "sorted now"))
        self.assertEqual(survey["channel"], "email")

    def test_a_restart_before_the_delay_loses_nothing_and_sends_once(self):
        ticket = self.ingest("r1", "cust-bob", "help", "t9")
        self.answer_and_solve(ticket)
        self.server.kill9()
        self.server = self.start()
        self.callbacks.wait_for_step("question")
        time.sleep(3)  # past another delay: a second send would have happened by now
        questions = [p for p in self.callbacks.surveys() if p["ticket_id"] == ticket]
        self.assertEqual(len(questions), 1, questions)

    def test_a_bad_survey_table_stops_serve_naming_the_key(self):
        for table, key in (('kind = "stars"', "survey.kind"), ('language = "de"', "survey.language"),
                           ('delay = "5x"', "survey.delay"), ('colour = "red"', "survey.colour")):
            code, output = serve_fails(BINARY, self.dir + "/bad", "[survey]\n" + table + "\n")
            self.assertNotEqual(code, 0)
            self.assertIn(key, output, table)

if __name__ == "__main__":
    BINARY = sys.argv.pop(1)
    unittest.main()
