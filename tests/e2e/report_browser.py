#!/usr/bin/env python3
"""report_browser.py: opens a report.html in headless Chromium and says what
a reader's browser would do with it, using only Python's standard library.

It drives Chromium over the DevTools protocol on a pipe
(--remote-debugging-pipe: commands on fd 3, replies on fd 4, each a JSON
message ended by a NUL byte), with a fresh profile and background traffic
turned off, and records:
  - every network request the page makes (Network.requestWillBeSent) other
    than the report file itself;
  - every console message, uncaught exception and browser log error;
  - the size on screen of each chart (svg.chart) at desktop width;
  - the rows shown of the levers and of the Backup vaults' cost, and the
    protection findings' summary and vaults;
  - whether the page fits a phone's width (390 CSS px) without scrolling
    sideways, and whether, printed, every table fits the page's width;
  - at 1366x900, where the three headline figures and the caveats sit
    against the first screen;
  - the smallest text drawn at each width, in CSS px on screen (SVG text
    scaled by its chart), and the text drawn under 11 px;
  - screenshots (desktop and phone, first screen and full page) and a PDF
    print as Chrome's print dialog makes it (the page's own @page size).

Usage: report_browser.py REPORT.html OUT_DIR
The browser is $VW_CHROMIUM if set, else the first of chromium,
chromium-browser, google-chrome on PATH.
Writes OUT_DIR/report-desktop.png, report-desktop-full.png,
report-phone.png, report-phone-full.png and report-print.pdf and prints
one JSON object on stdout. Exit status: 0 measured (the caller
judges the result), 77 no Chromium here, 1 could not measure."""
import base64
import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile

TIMEOUT_S = 25
SHOT_SCALE = float(os.environ.get("VW_SHOT_SCALE", "1"))
BROWSERS = ("chromium", "chromium-browser", "google-chrome",
            "google-chrome-stable")

CHART_JS = """(() => {
  const charts = Array.from(document.querySelectorAll('svg.chart')).map(s => {
    const r = s.getBoundingClientRect();
    return {name: (s.querySelector('title') || {}).textContent || '',
            width: r.width, height: r.height};
  });
  const count = sel => document.querySelectorAll(sel).length;
  return JSON.stringify({
    charts: charts,
    sections: Array.from(document.querySelectorAll('main section'))
                   .map(s => s.id),
    scripts: count('script'),
    wideTables: Array.from(document.querySelectorAll('table')).filter(
      t => t.scrollWidth > t.parentElement.clientWidth + 1).length,
    unboxedTables: Array.from(document.querySelectorAll('table')).filter(
      t => !['auto', 'scroll'].includes(
             getComputedStyle(t.parentElement).overflowX)).length,
    external: count('img, link, iframe, object, embed, video, audio, ' +
                    'source, use[href], image'),
    title: document.title,
    levers: Array.from(document.querySelectorAll('#levers tbody tr'))
                 .filter(tr => tr.getBoundingClientRect().height > 0)
                 .map(tr => Array.from(tr.cells).map(c => c.innerText)),
    backupVaults: Array.from(
                 document.querySelectorAll('#backup-vaults tbody tr'))
                 .filter(tr => tr.getBoundingClientRect().height > 0)
                 .map(tr => Array.from(tr.cells).map(c => c.innerText)),
    posture: (document.querySelector('#posture p') || {}).innerText || '',
    postureVaults: Array.from(
                 document.querySelectorAll('#posture tbody tr'))
                 .map(tr => tr.cells[1].innerText),
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth
  });
})()"""


# Where the headline figures and the caveats are, in CSS px of the page.
FIRST_SCREEN_JS = """(() => {
  const box = e => { const r = e.getBoundingClientRect();
    return {top: r.top + scrollY, bottom: r.bottom + scrollY,
            text: e.textContent.trim().slice(0, 40)}; };
  const cav = document.querySelector('.caveats');
  return JSON.stringify({
    headline: Array.from(document.querySelectorAll('#headline .card .value'))
                   .map(box),
    caveats: cav ? box(cav) : null,
    innerHeight: innerHeight
  });
})()"""

# The text a reader sees, with its size on screen: an element's font size,
# times the scale of its chart for SVG text; hidden text is left out.
TEXT_SIZE_JS = """(() => {
  const small = [];
  let least = 1e9;
  const walk = document.createTreeWalker(document.body,
                                         NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const e = n.parentElement;
    if (!n.textContent.trim() || !e || e.closest('title, desc, style'))
      continue;
    const r = document.createRange();
    r.selectNodeContents(n);
    if (!r.getClientRects().length) continue;
    let px = parseFloat(getComputedStyle(e).fontSize);
    if (e instanceof SVGElement) {
      const m = e.getScreenCTM();
      px *= Math.hypot(m.a, m.b);
    }
    least = Math.min(least, px);
    if (px < 11 - 1e-6)
      small.push({text: n.textContent.trim().slice(0, 30),
                  px: Math.round(px * 100) / 100});
  }
  return JSON.stringify({least: least, small: small.slice(0, 20),
                         nsmall: small.length});
})()"""


def high_fd(fd):
    """A copy of fd numbered 10 or more, so that dup2 onto 3 and 4 in the
    child cannot clobber the other pipe end."""
    n = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return n


class Browser:
    def __init__(self, exe, profile, log):
        r_cmd, self.w_cmd = os.pipe()
        self.r_evt, w_evt = os.pipe()
        r_cmd, w_evt = high_fd(r_cmd), high_fd(w_evt)

        def child_fds():
            os.dup2(r_cmd, 3)
            os.dup2(w_evt, 4)

        args = [exe, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-default-apps",
                "--mute-audio", "--hide-scrollbars",
                "--remote-debugging-pipe", "--user-data-dir=" + profile,
                "about:blank"]
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                     stdout=log, stderr=log,
                                     preexec_fn=child_fds, close_fds=False)
        os.close(r_cmd)
        os.close(w_evt)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.w_cmd, json.dumps(msg).encode() + b"\0")
        return self.next_id

    def read(self):
        while b"\0" not in self.buf:
            chunk = os.read(self.r_evt, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self.buf += chunk
        raw, self.buf = self.buf.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method, params=None, session=None):
        want = self.send(method, params, session)
        while True:
            msg = self.read()
            if msg.get("id") == want:
                if "error" in msg:
                    raise RuntimeError("%s: %s" % (method, msg["error"]))
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def wait_event(self, method, session):
        for i, msg in enumerate(self.events):
            if msg["method"] == method and msg.get("sessionId") == session:
                return self.events.pop(i)
        while True:
            msg = self.read()
            if msg.get("method") == method and \
               msg.get("sessionId") == session:
                return msg
            if "method" in msg:
                self.events.append(msg)

    def close(self):
        try:
            self.send("Browser.close")
            self.proc.wait(timeout=5)
        except Exception:
            self.proc.kill()
            self.proc.wait()


def evaluate(b, session, expr):
    res = b.call("Runtime.evaluate",
                 {"expression": expr, "returnByValue": True}, session)
    return json.loads(res["result"]["value"])


def screenshot(b, session, path, width, height, scale, mobile):
    """The whole page at this width: the viewport is made as tall as the
    content (much faster in software rendering than captureBeyondViewport)."""
    b.call("Emulation.setDeviceMetricsOverride",
           {"width": width, "height": height, "deviceScaleFactor": scale,
            "mobile": mobile}, session)
    if height == 0:
        size = b.call("Page.getLayoutMetrics", {}, session)["cssContentSize"]
        b.call("Emulation.setDeviceMetricsOverride",
               {"width": width, "height": int(size["height"]) + 1,
                "deviceScaleFactor": scale, "mobile": mobile}, session)
    data = b.call("Page.captureScreenshot", {"format": "png"},
                  session)["data"]
    with open(path, "wb") as f:
        f.write(base64.b64decode(data))


def problems(events, page_url):
    requests, console = [], []
    for e in events:
        p = e.get("params", {})
        if e["method"] == "Network.requestWillBeSent":
            url = p.get("request", {}).get("url", "")
            if url != page_url:
                requests.append(url)
        elif e["method"] == "Runtime.consoleAPICalled":
            console.append("console.%s" % p.get("type"))
        elif e["method"] == "Runtime.exceptionThrown":
            console.append("exception: %s" %
                           p.get("exceptionDetails", {}).get("text"))
        elif e["method"] == "Log.entryAdded":
            entry = p.get("entry", {})
            if entry.get("level") in ("error", "warning"):
                console.append("%s: %s" % (entry.get("level"),
                                           entry.get("text")))
    return requests, console


def measure(exe, html, out_dir, profile, log):
    page_url = "file://" + os.path.abspath(html)
    b = Browser(exe, profile, log)
    try:
        target = b.call("Target.createTarget", {"url": "about:blank"})
        session = b.call("Target.attachToTarget",
                         {"targetId": target["targetId"],
                          "flatten": True})["sessionId"]
        for domain in ("Page", "Network", "Runtime", "Log"):
            b.call(domain + ".enable", {}, session)
        b.call("Emulation.setDeviceMetricsOverride",
               {"width": 1366, "height": 900, "deviceScaleFactor": 1,
                "mobile": False}, session)
        b.call("Page.navigate", {"url": page_url}, session)
        b.wait_event("Page.loadEventFired", session)
        desktop = evaluate(b, session, CHART_JS)
        first = evaluate(b, session, FIRST_SCREEN_JS)
        screenshot(b, session, os.path.join(out_dir, "report-desktop.png"),
                   1366, 900, SHOT_SCALE, False)
        screenshot(b, session,
                   os.path.join(out_dir, "report-desktop-full.png"),
                   1366, 0, SHOT_SCALE, False)
        screenshot(b, session, os.path.join(out_dir, "report-phone.png"),
                   390, 844, 2, True)
        phone = evaluate(b, session, CHART_JS)
        phone_text = evaluate(b, session, TEXT_SIZE_JS)
        screenshot(b, session, os.path.join(out_dir, "report-phone-full.png"),
                   390, 0, 1, True)
        # the print style sheet on a page's width (A4 less its margins)
        b.call("Emulation.setEmulatedMedia", {"media": "print"}, session)
        b.call("Emulation.setDeviceMetricsOverride",
               {"width": 680, "height": 960, "deviceScaleFactor": 1,
                "mobile": False}, session)
        printed = evaluate(b, session, CHART_JS)
        b.call("Emulation.setEmulatedMedia", {"media": ""}, session)
        b.call("Emulation.clearDeviceMetricsOverride", {}, session)
        # as the print dialog does: the page's @page size and margins
        pdf = b.call("Page.printToPDF", {"printBackground": False,
                                         "preferCSSPageSize": True},
                     session)["data"]
        pdf = base64.b64decode(pdf)
        with open(os.path.join(out_dir, "report-print.pdf"), "wb") as f:
            f.write(pdf)
        # events that arrived after the last reply
        b.call("Runtime.evaluate", {"expression": "0"}, session)
        requests, console = problems(b.events, page_url)
        return {
            "page": page_url,
            "requests": requests,
            "console": console,
            "desktop": desktop,
            "first_screen": first,
            "phone": {"scrollWidth": phone["scrollWidth"],
                      "innerWidth": phone["innerWidth"],
                      "charts": phone["charts"],
                      "unboxedTables": phone["unboxedTables"],
                      "text": phone_text},
            "print": {"scrollWidth": printed["scrollWidth"],
                      "innerWidth": printed["innerWidth"],
                      "wideTables": printed["wideTables"]},
            "pdf_bytes": len(pdf),
            "pdf_pages": pdf.count(b"/Type /Page") -
            pdf.count(b"/Type /Pages"),
        }
    finally:
        b.close()


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: report_browser.py REPORT.html OUT_DIR\n")
        return 2
    if os.environ.get("VW_CHROMIUM"):
        exe = shutil.which(os.environ["VW_CHROMIUM"])
    else:
        exe = next((shutil.which(n) for n in BROWSERS if shutil.which(n)),
                   None)
    if not exe:
        print(json.dumps({"skipped": "chromium not installed"}))
        return 77
    os.makedirs(sys.argv[2], exist_ok=True)
    signal.alarm(TIMEOUT_S)
    profile = tempfile.mkdtemp(prefix="vw-chromium-")
    log_path = os.path.join(sys.argv[2], "chromium.log")
    try:
        with open(log_path, "wb") as log:
            result = measure(exe, sys.argv[1], sys.argv[2], profile, log)
    except Exception as e:  # report, do not hide: the caller fails
        sys.stderr.write("report_browser: %s (log: %s)\n" % (e, log_path))
        return 1
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
