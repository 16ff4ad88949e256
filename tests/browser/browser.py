"""Debian's chromium, headless, driven by Debian's chromedriver: how every browser test (and
scripts/bench console) starts its browser."""
from selenium import webdriver
from selenium.webdriver.chrome.service import Service


def headless_chromium(*extra_args):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900", *extra_args):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
