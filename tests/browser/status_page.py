#!/usr/bin/python3
"""status_page.py URL SITE DOWN_COMMAND SCREENSHOT
   status_page.py timeline URL SITE DRAIN_COMMAND UNDRAIN_COMMAND

Drives Debian's Chromium (headless, over the DevTools protocol with python3-websocket) at
batond's status page URL: waits for SITE to show as up, runs DOWN_COMMAND (which makes the site
fail its checks), and waits for the page to show SITE down by itself, without a reload. Then it
saves a screenshot to SCREENSHOT and reads it back with tesseract, which must find SITE and
"down" in the picture. With `timeline`: runs DRAIN_COMMAND and waits for the newest row of the
page's timeline to be SITE's with "drained" in its change column, then the same for
UNDRAIN_COMMAND and "undrained". Prints one line per step; exits 0 when all of it holds.
Runs with Debian's Python: /usr/bin/python3.
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket

CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--remote-debugging-port=0", "--window-size=1280,900",
]
# The page polls every second; a verdict takes the check's fall x interval to change.
DOWN_WITHIN_S = 10


class Browser:
    def __init__(self, profile):
        self.proc = subprocess.Popen(["chromium", *CHROMIUM_FLAGS, "--user-data-dir=" + profile,
                                      "about:blank"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = os.path.join(profile, "DevToolsActivePort")
        deadline = time.time() + 30
        while not os.path.exists(port_file) or os.path.getsize(port_file) == 0:
            if time.time() > deadline or self.proc.poll() is not None:
                raise RuntimeError("chromium did not start its DevTools endpoint")
            time.sleep(0.1)
        port = open(port_file).read().split()[0]
        targets = json.load(urllib.request.urlopen("http://127.0.0.1:%s/json/list" % port))
        page = next(t for t in targets if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=10)
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError("%s: %s" % (method, msg["error"]))
                return msg["result"]

    def evaluate(self, expression):
        r = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return r["result"].get("value")

    def close(self):
        try:
            self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def site_verdict(browser, site):
    """The verdict the page's Sites table shows for SITE, or None."""
    return browser.evaluate(
        "(() => { const r = document.querySelector('#sites tr[data-site=%s]');"
        " return r ? r.dataset.verdict : null; })()" % json.dumps(site))


def wait_for(browser, site, verdict, within):
    deadline = time.time() + within
    while time.time() < deadline:
        if site_verdict(browser, site) == verdict:
            return True
        time.sleep(0.1)
    return False


def newest_change(browser, site):
    """The change column of the timeline's newest row when that row is SITE's, or None."""
    return browser.evaluate(
        "(() => { const r = document.querySelector('#timeline tr');"
        " if (!r || r.cells.length < 3 || !r.cells[1].textContent.startsWith(%s + ' ('))"
        " return null; return r.cells[2].textContent; })()" % json.dumps(site))


def timeline(url, site, drain_command, undrain_command):
    profile = tempfile.mkdtemp(prefix="baton-chromium-")
    browser = None
    try:
        browser = Browser(profile)
        browser.call("Page.enable")
        browser.call("Page.navigate", url=url)
        if not wait_for(browser, site, "up", 15):
            print("the page never showed %s up: %s" % (site, browser.evaluate("document.body.innerText")))
            return 1
        for command, want in ((drain_command, "drained"), (undrain_command, "undrained")):
            subprocess.run(command, shell=True, check=True, stdout=subprocess.DEVNULL)
            deadline = time.time() + DOWN_WITHIN_S
            while newest_change(browser, site) != want and time.time() < deadline:
                time.sleep(0.1)
            got = newest_change(browser, site)
            if got != want:
                print("the timeline's newest row says %r for %s, not %r:\n%s"
                      % (got, site, want, browser.evaluate("document.body.innerText")))
                return 1
            print("the timeline says %s for %s" % (want, site))
        return 0
    finally:
        if browser is not None:
            browser.close()
        shutil.rmtree(profile, ignore_errors=True)


def main(url, site, down_command, screenshot):
    profile = tempfile.mkdtemp(prefix="baton-chromium-")
    browser = None
    try:
        browser = Browser(profile)
        browser.call("Page.enable")
        browser.call("Page.navigate", url=url)
        if not wait_for(browser, site, "up", 15):
            print("the page never showed %s up: %s" % (site, browser.evaluate("document.body.innerText")))
            return 1
        print("page shows %s up" % site)
        # a page reload would lose this mark: the update must come from the page's own polling
        browser.evaluate("window.batonMark = 42")
        start = time.time()
        subprocess.run(down_command, shell=True, check=True)
        if not wait_for(browser, site, "down", DOWN_WITHIN_S):
            print("%s not shown down within %d s: %s" % (site, DOWN_WITHIN_S,
                                                       browser.evaluate("document.body.innerText")))
            return 1
        took = time.time() - start
        if browser.evaluate("window.batonMark") != 42:
            print("the page reloaded instead of updating itself")
            return 1
        print("page shows %s down %.1f s after the failure, without a reload" % (site, took))
        shot = browser.call("Page.captureScreenshot", format="png")
        with open(screenshot, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        text = subprocess.run(["tesseract", screenshot, "-", "--psm", "6"], check=True,
                              capture_output=True, text=True).stdout
        rows = [line for line in text.splitlines() if site in line.split() or site in line]
        if not any("down" in line for line in rows):
            print("the screenshot does not read '%s ... down'; tesseract read:\n%s" % (site, text))
            return 1
        print("screenshot %s reads: %s" % (screenshot, rows[0].strip()))
        return 0
    finally:
        if browser is not None:
            browser.close()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "timeline":
        sys.exit(timeline(*sys.argv[2:]))
    if len(sys.argv) != 5:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
