"""Screenshots of each console view and the chat widget for docs/screenshots/ (not a test: run
by hand after a change to the web app, and look at them).

usage: screenshots.py path/to/touchpoint docs/screenshots
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import chat_test  # noqa: E402
import console_test  # noqa: E402
from console_test import button, by_label  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402


class ConsoleShots(console_test.ConsoleTest):
    def test_shots(self):
        self.driver.set_window_size(1280, 800)
        self.driver.get(self.base + "/")
        self.driver.delete_all_cookies()
        self.driver.get(self.base + "/")
        self.wait().until(EC.presence_of_element_located((By.XPATH, "//button[normalize-space()='Sign in']")))
        self.driver.save_screenshot(f"{OUT}/sign-in.png")
        self.sign_in()
        for n, (subject, text) in enumerate([("Parcel never arrived", "Where is my parcel? Ordered a week ago."),
                                             ("Invoice address wrong", "Please change the address on invoice 1182."),
                                             ("Refund for order A-42", "I returned it on Monday.")]):
            ticket = self.post(f"shot-{n}", subject, text, customer=f"shot-cust-{n}")
        self.wait().until(EC.presence_of_element_located((By.LINK_TEXT, "Refund for order A-42")))
        self.driver.save_screenshot(f"{OUT}/queue.png")
        self.driver.get(f"{self.base}/tickets/{ticket}")
        self.wait().until(EC.presence_of_element_located((By.XPATH, "//h3[normalize-space()='Journey']")))
        by_label(self.driver, "Reply").send_keys("Thanks, the refund is on its way.")
        button(self.driver, "Send").click()
        self.wait().until(EC.presence_of_element_located((By.CSS_SELECTOR, ".notice")))
        self.driver.save_screenshot(f"{OUT}/ticket.png")
        self.driver.get(self.base + "/dashboard")
        self.wait().until(EC.presence_of_element_located((By.XPATH, "//dt[normalize-space()='Open tickets']")))
        self.driver.save_screenshot(f"{OUT}/dashboard.png")
        # The same in Italian: labels, dates and the empty states follow the language.
        Select(self.driver.find_element(By.CSS_SELECTOR, "label.language select")).select_by_value("it")
        self.driver.get(self.base + "/")
        self.wait().until(EC.presence_of_element_located((By.XPATH, "//button[normalize-space()='Cerca']")))
        self.driver.save_screenshot(f"{OUT}/queue-it.png")
        Select(self.driver.find_element(By.CSS_SELECTOR, "label.language select")).select_by_value("en")


class ChatShots(chat_test.ChatWidgetTest):
    def test_shots(self):
        self.enter_widget(self.shop.origin + "/")
        self.wait().until(EC.element_to_be_clickable((By.CSS_SELECTOR, "button.launcher"))).click()
        self.wait().until(EC.presence_of_element_located((By.CSS_SELECTOR, "textarea#tp-text")))
        self.say("Dov'è il mio ordine? L'ho fatto tre giorni fa.")
        ticket = self.wait_thread(["Dov'è il mio ordine? L'ho fatto tre giorni fa."])
        self.api("POST", f"/api/v1/tickets/{ticket}/messages", {"body": "Ciao! Parte oggi con il corriere."})
        self.wait_lines(["Dov'è il mio ordine? L'ho fatto tre giorni fa.", "Ciao! Parte oggi con il corriere."])
        self.driver.switch_to.default_content()
        self.driver.save_screenshot(f"{OUT}/chat-widget.png")


if __name__ == "__main__":
    binary = os.path.abspath(sys.argv[1])
    OUT = os.path.abspath(sys.argv[2])
    os.makedirs(OUT, exist_ok=True)
    console_test.BINARY = chat_test.BINARY = binary
    suite = unittest.TestSuite([ConsoleShots("test_shots"), ChatShots("test_shots")])
    sys.exit(0 if unittest.TextTestRunner(verbosity=2).run(suite).wasSuccessful() else 1)
