#!/usr/bin/env python3
"""scripts/bench console: the agent console in Debian's headless chromium against a running
Touchpoint holding a large open queue. Prints the first load's gzipped JS+CSS, a cold load to a
rendered queue (cache disabled), a live event to pixels (a ticket posted through the API
channel until its row is in the DOM, timed by a MutationObserver in the page), and the page's
JS heap while paging through the queue with its cursor. Prints figures; asserts nothing."""
import argparse
import gzip
import json
import os
import re
import statistics
import sys
import time
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "browser"))
from browser import headless_chromium  # noqa: E402


def fetch(url):
    with urllib.request.urlopen(url) as r:
        return r.read()


def post(port, n):
    body = json.dumps({"message_id": f"live-{n}-{time.time()}", "subject": f"bench-live-{n}",
                       "text": "live", "from": {"id": f"live-{n}"}}).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}/webhooks/api/bench", body,
                                 {"Content-Type": "application/json", "Authorization": "Bearer bench-token"})
    urllib.request.urlopen(req).read()


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--email", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--pages", type=int, default=200)
    a = ap.parse_args()
    base = f"http://127.0.0.1:{a.port}"

    page = fetch(base + "/").decode()
    assets = re.findall(r'(?:src|href)="(/assets/[^"]+)"', page)
    sizes = {p: len(gzip.compress(fetch(base + p), 9)) for p in assets}
    print(f"== console: first load {sum(sizes.values()) / 1024:.1f} KB gzipped JS+CSS "
          + ", ".join(f"{p.split('/')[-1]} {n / 1024:.1f} KB" for p, n in sizes.items()))

    d = headless_chromium("--enable-precise-memory-info", "--js-flags=--expose-gc")
    wait = WebDriverWait(d, 60)
    try:
        d.get(base + "/")
        wait.until(EC.presence_of_element_located((By.ID, "email"))) if d.find_elements(By.ID, "email") else None
        d.find_element(By.XPATH, "//label[normalize-space()='Email']//input|//input[@type='email']").send_keys(a.email)
        d.find_element(By.XPATH, "//input[@type='password']").send_keys(a.password)
        d.find_element(By.XPATH, "//button[normalize-space()='Sign in']").click()
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "ol.tickets li")))

        # Cold loads: nothing cached, to the first rendered row.
        d.execute_cdp_cmd("Network.enable", {})
        d.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
        cold = []
        for _ in range(10):
            t0 = time.perf_counter()
            d.get(base + "/")
            wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "ol.tickets li")))
            cold.append((time.perf_counter() - t0) * 1000)
        print(f"   cold load to a rendered queue: p50 {statistics.median(cold):.0f} ms, max {max(cold):.0f} ms (10 loads)")

        # Live event to pixels: the page notes when a row with the subject appears.
        d.execute_script("""
          window.__seen = {};
          new MutationObserver(() => {
            for (const a of document.querySelectorAll('ol.tickets a'))
              if (a.textContent.startsWith('bench-live-') && !(a.textContent in window.__seen))
                window.__seen[a.textContent] = performance.timeOrigin + performance.now();
          }).observe(document.body, {subtree: true, childList: true, characterData: true});""")
        lat = []
        for n in range(20):
            t0 = time.time() * 1000
            post(a.port, n)
            wait.until(lambda drv: drv.execute_script(f"return window.__seen['bench-live-{n}'] || null"))
            lat.append(d.execute_script(f"return window.__seen['bench-live-{n}']") - t0)
            time.sleep(0.3)
        print(f"   live event to pixels (API post → row in the DOM): p50 {pct(lat, .5):.0f} ms, "
              f"p99 {pct(lat, .99):.0f} ms (20 tickets; includes the queue's 150 ms coalescing)")

        # Paging with the cursor: the heap stays one page's worth.
        heap = []
        for i in range(a.pages):
            older = d.find_elements(By.XPATH, "//button[normalize-space()='Older →']")
            if not older or not older[0].is_enabled():
                break
            top = "return document.querySelector('ol.tickets li a')?.getAttribute('href')"
            first = d.execute_script(top)
            older[0].click()
            wait.until(lambda drv: drv.execute_script(top) not in (None, first))
            if i % 20 == 0:
                d.execute_script("window.gc && window.gc()")
                heap.append(d.execute_script("return performance.memory.usedJSHeapSize") / 1e6)
        print(f"   paged {i + 1} pages of 100 ({(i + 1) * 100} tickets): JS heap "
              + " → ".join(f"{h:.1f}" for h in heap) + " MB (every 20 pages, after GC)")
    finally:
        d.quit()


main()
