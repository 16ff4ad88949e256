"""The agent console and the supervisor dashboard in a real browser (Debian's chromium,
headless, through chromedriver and Selenium), on the real binary with the console embedded:
sign in with the labelled fields, a new ticket appears in the queue without a reload, a reply
and an internal note from the ticket page, the status control, customer HTML that stays inert,
a reload of a console route, the dashboard's open tickets updated live, and sign out; files on
a note, and one file on a WhatsApp reply.

usage: console_test.py path/to/touchpoint
"""
import hashlib
import hmac
import http.client
import os
import shutil
import sys
import unittest

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "process"))
from harness import API_CONFIG, Touchpoint, api_call, post_message, sign_in, temp_dir  # noqa: E402

from browser import headless_chromium  # noqa: E402

CONFIG = API_CONFIG + """
[[channel]]
type = "whatsapp"
name = "wa"
phone_number_id = "106540352242922"
access_token = "wa-token"
app_secret = "wa-secret"
verify_token = "wa-verify"
api_base = "http://127.0.0.1:9"

[[channel.template]]
name = "order_update"
language = "en_US"
text = "Hello {{1}}, there is news on your order {{2}}."
"""
FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures", "webhooks")

ADMIN = {"TOUCHPOINT_ADMIN_EMAIL": "boss@acme.test", "TOUCHPOINT_ADMIN_PASSWORD": "boss-password-1"}
WAIT = 20  # generous for a loaded CI machine; the contract's 1 s and 3 s are not asserted here
AXE = os.path.join(os.path.dirname(__file__), "..", "..", "web", "node_modules", "axe-core", "axe.min.js")

EVIL_HTML = ('<p>Hello <b>there</b></p><script>window.parent.__pwned = "script"</script>'
             '<img src="x" onerror="window.parent.__pwned = \'onerror\'">'
             '<a id="js" href="javascript:window.parent.__pwned=\'link\'">click me</a>')


def by_label(driver, text):
    """The form control a <label> with this exact text names."""
    label = driver.find_element(By.XPATH, f"//label[normalize-space()='{text}']")
    target = label.get_attribute("for")
    if target:
        return driver.find_element(By.ID, target)
    return label.find_element(By.XPATH, ".//input|.//select|.//textarea")


def button(driver, text):
    return driver.find_element(By.XPATH, f"//button[normalize-space()='{text}']")


class ConsoleTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = temp_dir()
        cls.server = Touchpoint(BINARY, cls.dir + "/data", CONFIG, extra_env=ADMIN)
        cls.driver = headless_chromium()
        cls.base = f"http://127.0.0.1:{cls.server.port}"

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        cls.server.kill9()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def wait(self):
        return WebDriverWait(self.driver, WAIT)

    def post(self, message_id, subject, text, html=None, customer="cust-1"):
        fields = {"subject": subject, **({"html": html} if html else {})}
        status, out = post_message(self.server.connection(), message_id, customer, text, **fields)
        self.assertEqual(status, 200, out)
        return out["ticket_id"]

    def api(self, method, path):
        return api_call(self.server, method, path, token=sign_in(self.server))[1]

    def sign_in(self):
        self.driver.get(self.base + "/")
        self.driver.delete_all_cookies()  # each test starts signed out
        self.driver.get(self.base + "/")
        self.wait().until(EC.presence_of_element_located((By.XPATH, "//label[normalize-space()='Email']")))
        by_label(self.driver, "Email").send_keys("boss@acme.test")
        by_label(self.driver, "Password").send_keys("boss-password-1")
        button(self.driver, "Sign in").click()
        self.wait().until(EC.presence_of_element_located((By.XPATH, "//button[normalize-space()='Sign out']")))

    def test_1_the_page_and_its_assets_are_served_with_their_headers(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        conn.request("GET", "/tickets/42")
        res = conn.getresponse()
        page = res.read().decode()
        self.assertEqual(res.status, 200)
        self.assertEqual(res.getheader("Cache-Control"), "no-store")
        self.assertIn("script-src 'self'", res.getheader("Content-Security-Policy"))
        self.assertIn("frame-ancestors 'none'", res.getheader("Content-Security-Policy"))
        script = page.split('src="')[1].split('"')[0]
        self.assertTrue(script.startswith("/assets/console-") and script.endswith(".js"), script)
        conn.request("GET", script)
        res = conn.getresponse()
        res.read()
        self.assertEqual(res.status, 200)
        self.assertIn("javascript", res.getheader("Content-Type"))
        self.assertIn("immutable", res.getheader("Cache-Control"))
        conn.request("GET", "/assets/nothing-here.js")
        res = conn.getresponse()
        res.read()
        self.assertEqual(res.status, 404)
        conn.close()

    def test_2_an_agent_works_a_ticket_from_the_queue(self):
        self.sign_in()
        # A ticket that arrives while the queue is shown appears without a reload.
        ticket = self.post("m-1", "Parcel never arrived", "Where is my parcel?")
        link = self.wait().until(EC.element_to_be_clickable((By.LINK_TEXT, "Parcel never arrived")))
        self.assertTrue(link.get_attribute("href").endswith(f"/tickets/{ticket}"))
        link.click()
        self.wait().until(EC.url_to_be(f"{self.base}/tickets/{ticket}"))
        reply = self.wait().until(lambda d: by_label(d, "Reply"))
        reply.send_keys("Sorry about that, it is on its way.")
        button(self.driver, "Send").click()
        self.wait().until(lambda d: any(m["body"] == "Sorry about that, it is on its way." and not m["internal"]
                                        for m in self.api("GET", f"/api/v1/tickets/{ticket}")["messages"]))
        by_label(self.driver, "Internal note").click()
        by_label(self.driver, "Reply").send_keys("Checked with the courier.")
        button(self.driver, "Send").click()
        self.wait().until(lambda d: any(m["body"] == "Checked with the courier." and m["internal"]
                                        for m in self.api("GET", f"/api/v1/tickets/{ticket}")["messages"]))
        Select(by_label(self.driver, "Status")).select_by_value("pending")
        self.wait().until(lambda d: self.api("GET", f"/api/v1/tickets/{ticket}")["status"] == "pending")
        # A console route reloads to the same screen.
        self.driver.refresh()
        self.wait().until(EC.presence_of_element_located((By.XPATH, "//h1[normalize-space()='Parcel never arrived']")))

    def test_3_customer_html_stays_inert(self):
        self.sign_in()
        ticket = self.post("m-evil", "Formatted mail", "Hello there", html=EVIL_HTML, customer="cust-2")
        self.driver.get(f"{self.base}/tickets/{ticket}")
        self.wait().until(EC.element_to_be_clickable((By.XPATH, "//button[normalize-space()='Show formatted']"))).click()
        frame = self.wait().until(EC.presence_of_element_located((By.CSS_SELECTOR, "iframe.customer-html")))
        self.assertEqual(frame.get_attribute("sandbox"), "")
        srcdoc = frame.get_attribute("srcdoc")
        self.assertIn("<b>there</b>", srcdoc)
        for bad in ("<script", "onerror", "javascript:"):
            self.assertNotIn(bad, srcdoc)
        self.driver.switch_to.frame(frame)
        link = self.driver.find_element(By.ID, "js")
        self.driver.execute_script("arguments[0].click()", link)
        self.driver.switch_to.default_content()
        self.assertIsNone(self.driver.execute_script("return window.__pwned"))

    def test_6_remote_images_load_only_when_asked(self):
        self.sign_in()
        ticket = self.post("m-img", "Newsletter", "see the picture",
                           html='<p>Look</p><img src="https://images.example/pixel.png" alt="pixel">',
                           customer="cust-5")
        self.driver.get(f"{self.base}/tickets/{ticket}")
        self.wait().until(EC.element_to_be_clickable((By.XPATH, "//button[normalize-space()='Show formatted']"))).click()
        frame = self.wait().until(EC.presence_of_element_located((By.CSS_SELECTOR, "iframe.customer-html")))
        self.assertNotIn("images.example", frame.get_attribute("srcdoc"))
        self.assertIn("1 remote images not loaded", self.driver.find_element(By.CSS_SELECTOR, ".remote-images").text)
        button(self.driver, "Load images").click()
        self.wait().until(lambda d: "https://images.example/pixel.png" in
                          d.find_element(By.CSS_SELECTOR, "iframe.customer-html").get_attribute("srcdoc"))
        self.assertEqual(self.driver.find_elements(By.CSS_SELECTOR, ".remote-images"), [])

    def test_7_outside_whatsapps_window_the_composer_offers_only_templates(self):
        with open(os.path.join(FIXTURES, "whatsapp_text.json"), "rb") as f:
            body = f.read()
        sig = "sha256=" + hmac.new(b"wa-secret", body, hashlib.sha256).hexdigest()
        conn = self.server.connection()
        conn.request("POST", "/webhooks/whatsapp/wa", body,
                     {"Content-Type": "application/json", "X-Hub-Signature-256": sig})
        self.assertEqual(conn.getresponse().status, 200)
        tickets = self.api("GET", "/api/v1/tickets?channel=whatsapp")["tickets"]
        ticket = tickets[0]["id"]
        self.sign_in()
        # Two days later in the browser: the customer's last message is out of the window.
        shift = self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {
            "source": "{const real = Date.now; Date.now = () => real() + 2 * 86400000;}"})["identifier"]
        try:
            self.driver.get(f"{self.base}/tickets/{ticket}")
            self.wait().until(EC.presence_of_element_located(
                (By.XPATH, "//legend[normalize-space()='The 24-hour window is closed: send an approved template']")))
            self.assertEqual(self.driver.find_elements(By.ID, "reply"), [], "no free text outside the window")
            self.wait().until(EC.presence_of_element_located((By.XPATH, "//option[.='order_update (en_US)']")))
            Select(by_label(self.driver, "Template")).select_by_visible_text("order_update (en_US)")
            by_label(self.driver, "{{1}}").send_keys("Sheena")
            by_label(self.driver, "{{2}}").send_keys("A-42")
            preview = self.driver.find_element(By.CSS_SELECTOR, ".template-preview").text
            self.assertEqual(preview, "Hello Sheena, there is news on your order A-42.")
            button(self.driver, "Send").click()
            self.wait().until(lambda d: any(m["direction"] == "out" and "A-42" in m["body"]
                                            for m in self.api("GET", f"/api/v1/tickets/{ticket}")["messages"]))
        finally:
            self.driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": shift})

    def test_7b_a_whatsapp_reply_takes_one_file_with_the_text_as_its_caption(self):
        with open(os.path.join(FIXTURES, "whatsapp_text.json"), "rb") as f:
            body = f.read().replace(b'"id":"wamid.', b'"id":"wamid.files-')  # a new message
        sig = "sha256=" + hmac.new(b"wa-secret", body, hashlib.sha256).hexdigest()
        conn = self.server.connection()
        conn.request("POST", "/webhooks/whatsapp/wa", body,
                     {"Content-Type": "application/json", "X-Hub-Signature-256": sig})
        self.assertEqual(conn.getresponse().status, 200)
        ticket = self.api("GET", "/api/v1/tickets?channel=whatsapp")["tickets"][0]["id"]
        self.sign_in()
        self.driver.get(f"{self.base}/tickets/{ticket}")
        picker = self.wait().until(lambda d: by_label(d, "Attach a file"))
        self.assertIsNone(picker.get_attribute("multiple"), "one file, so no multiple choice")
        self.driver.find_element(By.XPATH, "//p[@class='hint'][contains(., 'One file per message')]")
        path = os.path.join(self.dir, "label.txt")
        with open(path, "w") as f:
            f.write("Return label 77\n")
        picker.send_keys(path)
        self.wait().until(EC.presence_of_element_located((By.XPATH, "//ul[@class='chosen-files']/li[contains(., 'label.txt')]")))
        by_label(self.driver, "Reply").send_keys("Your return label.")
        button(self.driver, "Send").click()
        sent = self.wait().until(lambda d: next((m for m in self.api("GET", f"/api/v1/tickets/{ticket}")["messages"]
                                                 if m["direction"] == "out" and m["attachments"]), None))
        self.assertEqual(sent["body"], "Your return label.")
        self.assertEqual([(a["filename"], a["size"]) for a in sent["attachments"]], [("label.txt", 16)])
        # As a note, the same channel takes many again.
        by_label(self.driver, "Internal note").click()
        self.assertEqual(by_label(self.driver, "Attach files").get_attribute("multiple"), "true")

    def test_8_a_note_carries_the_files_chosen_in_the_composer(self):
        self.sign_in()
        ticket = self.post("m-files", "Receipt attached?", "Did you get my receipt?", customer="cust-8")
        self.driver.get(f"{self.base}/tickets/{ticket}")
        self.wait().until(lambda d: by_label(d, "Reply"))
        # An API-channel reply takes no files; a note does.
        self.assertEqual(self.driver.find_elements(By.ID, "files"), [])
        by_label(self.driver, "Internal note").click()
        path = os.path.join(self.dir, "receipt.txt")
        with open(path, "w") as f:
            f.write("Receipt 1182: 42.00 EUR\n")
        by_label(self.driver, "Attach files").send_keys(path)
        self.wait().until(EC.presence_of_element_located((By.XPATH, "//ul[@class='chosen-files']/li[contains(., 'receipt.txt')]")))
        by_label(self.driver, "Reply").send_keys("The customer's receipt.")
        button(self.driver, "Send").click()
        note = self.wait().until(lambda d: next((m for m in self.api("GET", f"/api/v1/tickets/{ticket}")["messages"]
                                                 if m["internal"] and m["attachments"]), None))
        self.assertEqual([(a["filename"], a["size"]) for a in note["attachments"]], [("receipt.txt", 24)])
        self.wait().until(EC.presence_of_element_located((By.LINK_TEXT, "receipt.txt")))
        self.assertEqual(self.driver.find_elements(By.CSS_SELECTOR, "ul.chosen-files"), [], "the composer is emptied")

    def test_9_queues_show_their_counts_live_and_slash_searches(self):
        self.sign_in()

        def count(label):
            return int(self.driver.execute_script(
                "for (const b of document.querySelectorAll('nav.views button'))"
                "  if (b.firstChild.textContent === arguments[0]) return b.querySelector('.count')?.textContent;"
                "return null;", label) or -1)

        self.wait().until(lambda d: count("Unassigned") >= 0)
        before = count("Unassigned")
        self.post("m-count", "Count me in", "a zebracorn was seen", customer="cust-9")
        self.wait().until(lambda d: count("Unassigned") == before + 1)
        self.driver.find_element(By.TAG_NAME, "body").send_keys("/")
        self.wait().until(lambda d: d.switch_to.active_element.get_attribute("id") == "search")
        self.driver.switch_to.active_element.send_keys("zebracorn" + Keys.ENTER)
        # Read in one script: the list re-renders while it settles.
        rows = "return [...document.querySelectorAll('ol.tickets a')].map((a) => a.textContent)"
        self.wait().until(lambda d: d.execute_script(rows) == ["Count me in"])
        current = self.driver.find_element(By.CSS_SELECTOR, "nav.views button[aria-pressed='true']").text
        self.assertEqual(current, "Search: zebracorn")

    def axe_problems(self):
        """Serious and critical accessibility violations axe-core finds on the page as shown."""
        with open(AXE) as f:
            self.driver.execute_script(f.read())
        result = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations), e => done(String(e)));")
        self.assertIsInstance(result, list, result)
        return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
                for v in result if v["impact"] in ("serious", "critical")]

    def test_5_every_screen_passes_axe(self):
        self.driver.get(self.base + "/")
        self.driver.delete_all_cookies()
        self.driver.get(self.base + "/")
        self.wait().until(EC.presence_of_element_located((By.XPATH, "//button[normalize-space()='Sign in']")))
        self.assertEqual(self.axe_problems(), [], "sign-in")
        self.sign_in()
        ticket = self.post("m-axe", "Accessible?", "Is this readable?", customer="cust-4")
        self.wait().until(EC.presence_of_element_located((By.LINK_TEXT, "Accessible?")))
        self.assertEqual(self.axe_problems(), [], "queue")
        self.driver.get(f"{self.base}/tickets/{ticket}")
        self.wait().until(EC.presence_of_element_located((By.XPATH, "//h3[normalize-space()='Journey']")))
        self.assertEqual(self.axe_problems(), [], "ticket")
        self.driver.get(self.base + "/dashboard")
        self.wait().until(EC.presence_of_element_located((By.XPATH, "//dt[normalize-space()='Open tickets']")))
        self.assertEqual(self.axe_problems(), [], "dashboard")

    def test_4_the_dashboard_follows_the_queue_live_and_sign_out_ends_the_session(self):
        self.sign_in()
        self.driver.get(self.base + "/dashboard")
        label = self.wait().until(EC.presence_of_element_located((By.XPATH, "//dt[normalize-space()='Open tickets']")))
        value = label.find_element(By.XPATH, "following-sibling::dd")
        before = int(value.text)
        self.post("m-dash", "One more", "and another thing", customer="cust-3")
        self.wait().until(lambda d: int(d.find_element(By.XPATH, "//dt[normalize-space()='Open tickets']"
                                                                 "/following-sibling::dd").text) == before + 1)
        button(self.driver, "Sign out").click()
        self.wait().until(EC.presence_of_element_located((By.XPATH, "//button[normalize-space()='Sign in']")))
        status = self.driver.execute_script(
            "return fetch('/api/v1/auth/me', {credentials: 'same-origin'}).then(r => r.status)")
        self.assertEqual(status, 401)


if __name__ == "__main__":
    BINARY = sys.argv.pop(1)
    unittest.main()
