"""The web chat widget in a real browser (Debian's chromium, headless, through chromedriver and
Selenium), embedded by a page on another origin that has a strict CSP of its own: a visitor's
message reaches the agents' API; an agent's reply appears in the widget; the server is stopped
mid-conversation and started again, and nothing is lost or doubled (the message typed while it
was down is sent once when it is back); a page on an origin the channel does not allow gets no
chat; the widget has no serious or critical accessibility violation (axe-core).

usage: chat_test.py path/to/touchpoint
"""
import http.server
import os
import shutil
import sys
import threading
import time
import unittest

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "process"))
from harness import Touchpoint, api_call, free_port, sign_in, temp_dir  # noqa: E402

from browser import headless_chromium  # noqa: E402

ADMIN = {"TOUCHPOINT_ADMIN_EMAIL": "boss@acme.test", "TOUCHPOINT_ADMIN_PASSWORD": "boss-password-1"}
WAIT = 30
AXE = os.path.join(os.path.dirname(__file__), "..", "..", "web", "node_modules", "axe-core", "axe.min.js")


class HostPage(http.server.ThreadingHTTPServer):
    """A customer's website: one page embedding the widget, with a CSP that allows nothing
    but our script and our frame (no inline script or style)."""

    def __init__(self, touchpoint):
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                page = (f'<!doctype html><html lang="it"><head><title>Shop</title></head><body>'
                        f'<h1>Shop</h1><script src="{touchpoint}/chat/widget.js" '
                        f'data-website-token="wt_site" async></script></body></html>').encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Security-Policy",
                                 f"default-src 'none'; script-src {touchpoint}; frame-src {touchpoint}")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server_address[1]}"
        threading.Thread(target=self.serve_forever, daemon=True).start()


class ChatWidgetTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = temp_dir()
        cls.port = free_port()
        cls.base = f"http://127.0.0.1:{cls.port}"
        cls.shop = HostPage(cls.base)
        cls.elsewhere = HostPage(cls.base)  # an origin the channel does not list
        cls.config = f"""
[server]
public_url = "{cls.base}"
outbox_retry_base_seconds = 0
outbox_poll_ms = 50

[[channel]]
type = "webchat"
name = "site"
website_token = "wt_site"
allowed_origins = ["{cls.shop.origin}"]
"""
        cls.server = cls.start_server()
        cls.driver = headless_chromium()

    @classmethod
    def start_server(cls):
        return Touchpoint(BINARY, cls.dir + "/data", cls.config, extra_env=ADMIN, http=f"127.0.0.1:{cls.port}")

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        if cls.server.proc.poll() is None:
            cls.server.kill9()
        cls.shop.shutdown()
        cls.elsewhere.shutdown()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def wait(self):
        return WebDriverWait(self.driver, WAIT)

    def api(self, method, path, body=None):
        return api_call(self.server, method, path, body, sign_in(self.server))

    def thread(self):
        status, body = self.api("GET", "/api/v1/tickets?status=new,open,pending,on_hold,solved")
        self.assertEqual(status, 200, body)
        if not body["tickets"]:
            return None, []
        ticket = body["tickets"][0]["id"]
        status, t = self.api("GET", f"/api/v1/tickets/{ticket}")
        return ticket, [m["body"] for m in t["messages"]]

    def wait_thread(self, bodies):
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            ticket, got = self.thread()
            if got == bodies:
                return ticket
            time.sleep(0.1)
        self.fail(f"the ticket holds {got}, not {bodies}")

    def lines(self):
        return [e.text for e in self.driver.find_elements(By.CSS_SELECTOR, ".log .line .text")]

    def wait_lines(self, expected):
        try:
            self.wait().until(lambda d: self.lines() == expected)
        except Exception:
            self.fail(f"the widget shows {self.lines()}, not {expected}")

    def say(self, text):
        box = self.driver.find_element(By.CSS_SELECTOR, "textarea#tp-text")
        box.send_keys(text)
        box.send_keys(Keys.ENTER)

    def enter_widget(self, page):
        self.driver.switch_to.default_content()
        self.driver.get(page)
        frame = self.wait().until(EC.presence_of_element_located((By.CSS_SELECTOR, "iframe[title=Chat]")))
        self.driver.switch_to.frame(frame)

    def test_1_conversation_survives_a_server_restart(self):
        self.enter_widget(self.shop.origin + "/")
        launcher = self.wait().until(EC.element_to_be_clickable((By.CSS_SELECTOR, "button.launcher")))
        self.assertEqual(launcher.get_attribute("aria-label"), "Apri la chat", "the page's language")
        self.assertEqual(self.thread(), (None, []), "opening the page stores nothing")
        launcher.click()
        self.wait().until(EC.presence_of_element_located((By.CSS_SELECTOR, "textarea#tp-text")))
        self.say("Dov'è il mio ordine?")
        ticket = self.wait_thread(["Dov'è il mio ordine?"])
        # The browser's language came with the hello and is kept on the customer, for surveys.
        customer_id = self.api("GET", f"/api/v1/tickets/{ticket}")[1]["customer_id"]
        language = self.driver.execute_script("return navigator.language")
        self.assertEqual(self.api("GET", f"/api/v1/customers/{customer_id}")[1]["language"], language.lower())

        status, body = self.api("POST", f"/api/v1/tickets/{ticket}/messages", {"body": "Parte oggi."})
        self.assertIn(status, (200, 201), body)
        self.wait_lines(["Dov'è il mio ordine?", "Parte oggi."])

        # The network goes away mid-conversation: the server stops.
        self.server.terminate()
        self.wait().until(EC.presence_of_element_located((By.CSS_SELECTOR, ".notice[role=status]")))
        self.say("Grazie, a che ora?")
        self.assertEqual(len(self.driver.find_elements(By.CSS_SELECTOR, ".line.pending")), 1)
        self.__class__.server = self.start_server()
        ticket_again = self.wait_thread(["Dov'è il mio ordine?", "Parte oggi.", "Grazie, a che ora?"])
        self.assertEqual(ticket_again, ticket)
        status, body = self.api("POST", f"/api/v1/tickets/{ticket}/messages", {"body": "Verso le 15."})
        self.assertIn(status, (200, 201), body)
        self.wait_lines(["Dov'è il mio ordine?", "Parte oggi.", "Grazie, a che ora?", "Verso le 15."])
        self.assertEqual(len(self.driver.find_elements(By.CSS_SELECTOR, ".line.pending")), 0)

        # A reload shows the same conversation, once.
        self.enter_widget(self.shop.origin + "/")
        self.wait().until(EC.element_to_be_clickable((By.CSS_SELECTOR, "button.launcher"))).click()
        self.wait_lines(["Dov'è il mio ordine?", "Parte oggi.", "Grazie, a che ora?", "Verso le 15."])
        self.assertEqual(self.thread()[1], ["Dov'è il mio ordine?", "Parte oggi.", "Grazie, a che ora?", "Verso le 15."])

        with open(AXE) as f:
            self.driver.execute_script(f.read())
        result = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1]; axe.run(document).then(r => done(r.violations));")
        serious = [(v["id"], v["impact"]) for v in result if v["impact"] in ("serious", "critical")]
        self.assertEqual(serious, [], "accessibility violations in the chat")

    def test_2_a_page_on_another_origin_gets_no_chat(self):
        self.enter_widget(self.elsewhere.origin + "/")
        time.sleep(2)  # the frame's load is refused by frame-ancestors: nothing to wait for
        self.assertEqual(self.driver.find_elements(By.CSS_SELECTOR, "button.launcher"), [])
        self.driver.switch_to.default_content()


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
