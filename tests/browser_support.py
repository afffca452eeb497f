"""A real web server and a real browser for end-to-end tests.

The server is uvicorn in a background thread on a free loopback port; the browser is Debian's
chromium driven by Playwright (which cannot download its own browsers here). Accessibility is
checked with axe-core, installed by ``make install`` from npm.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE = Path("node_modules/axe-core/axe.min.js")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def live_server(app) -> Iterator[str]:
    """Serve ``app`` on loopback until the block ends; yields the base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("web server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def axe_violations(page) -> list[dict]:
    """Run axe-core (WCAG 2.2 A/AA rules) on the page; return the violations."""
    assert AXE.is_file(), f"axe-core not installed at {AXE} (run make install)"
    # evaluated through the browser's debugging channel: the page's Content Security Policy (scripts from the
    # site only) rightly refuses an injected <script> tag
    page.evaluate("(source) => { (0, eval)(source); }", AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                           AXE_TAGS)
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]


_OVERFLOW_JS = """
() => {
  const vw = document.documentElement.clientWidth;
  const inScroller = el => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p).overflowX;
      if (s === 'auto' || s === 'scroll') return true;
    }
    return false;
  };
  const hiddenText = el => {
    const cs = getComputedStyle(el);
    return cs.position === 'absolute' && (cs.clip !== 'auto' || cs.clipPath !== 'none');
  };
  const offenders = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1 || hiddenText(el)) continue;
    if ((r.right > vw + 1 || r.left < -1) && !inScroller(el)) {
      offenders.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} (${Math.round(r.left)}..${Math.round(r.right)})`);
    }
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {  // long words overflow their box
    const parent = node.parentElement;
    if (!parent || !node.textContent.trim() || hiddenText(parent) || inScroller(node)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const r = range.getBoundingClientRect();
    if (r.width > 1 && (r.right > vw + 1 || r.left < -1)) {
      offenders.push(`text "${node.textContent.trim().slice(0, 40)}" in ${parent.tagName.toLowerCase()} (${Math.round(r.left)}..${Math.round(r.right)})`);
    }
  }
  return {page_width: document.documentElement.scrollWidth, viewport: vw, offenders: offenders.slice(0, 10)};
}
"""


def horizontal_overflow(page) -> dict:
    """Elements wider than the viewport that are not inside a scrollable region (WCAG 2.2 reflow, 1.4.10).

    Returns ``{"page_width", "viewport", "offenders"}``; a page that reflows has no offenders and a
    page width equal to the viewport.
    """
    return page.evaluate(_OVERFLOW_JS)


def reflows(page) -> bool:
    found = horizontal_overflow(page)
    return not found["offenders"] and found["page_width"] <= found["viewport"]
