"""The README tour's screenshots, taken from the running product in a real browser.

Run: ``make screenshots`` (or ``python scripts/screenshots.py --db data/pophealth.duckdb``) after ``make demo``.

Why a script: screenshots taken by hand drift from the product. This one works on a copy of the demo
warehouse (the accounts it adds never reach the real one), starts ``pophealth serve`` on it, signs in
through the sign-in form as an analyst and as a care team, and photographs the pages the README tour
describes with Debian's chromium driven by Playwright. The care-team worklist shows the synthetic
population only: no real person is ever photographed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "screenshots only, never a real account"
WIDTH, HEIGHT = 1280, 900


def _cli(*args: str, db: Path, password: str | None = None) -> str:
    """Run a pophealth command on ``db``; its standard output."""
    env = {**os.environ, "POPHEALTH_DB": str(db)}
    done = subprocess.run([sys.executable, "-m", "pophealth.cli", *args], env=env, input=password, text=True,
                          capture_output=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"pophealth {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


def _copy_warehouse(db: Path, folder: Path) -> Path:
    """The warehouse and the stores beside it (``<name>.*``), copied into ``folder``."""
    if not db.is_file():
        raise SystemExit(f"{db}: no warehouse there; run `make demo` first")
    for part in db.parent.glob(db.name + "*"):
        shutil.copy2(part, folder / part.name)
    return folder / db.name


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(db: Path, port: int) -> subprocess.Popen:
    server = subprocess.Popen([sys.executable, "-m", "pophealth.cli", "serve", "--port", str(port), "--db", str(db)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"pophealth serve stopped: {server.stderr.read().strip()}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return server
        time.sleep(0.2)
    server.terminate()
    raise SystemExit("pophealth serve did not start within 60 s")


def _sign_in(page: Page, url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(url + "/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def _box(page: Page, url: str, selector: str) -> dict:
    box = page.locator(selector).first.bounding_box()
    if box is None:
        raise SystemExit(f"{url}: nothing matches {selector!r} to photograph")
    return box


def _shot(page: Page, url: str, out: Path, name: str, until: str | None = None, start: str | None = None,
          tallest: int = 2000) -> None:
    """The page from its top (or from the element ``start``, a section under a long form): the first
    screenful, or down to the end of the element ``until`` (the chart, the first rows of a table), ``tallest``
    pixels at most."""
    page.goto(url)
    page.wait_for_load_state("networkidle")
    top = 0 if start is None else max(int(_box(page, url, start)["y"]) - 24, 0)
    height = HEIGHT
    if until is not None:
        box = _box(page, url, until)
        height = min(int(box["y"] + box["height"]) + 24 - top, tallest)
    page.screenshot(path=str(out / f"{name}.png"), full_page=True,
                    clip={"x": 0, "y": top, "width": WIDTH, "height": height})
    print(f"wrote {out / name}.png")


def _busiest_practice(db: Path) -> str:
    rows = json.loads(_cli("phm", "summary", "--json", db=db))
    if not rows.get("current", True):
        raise SystemExit("the demo's PHM run is out of date: run `pophealth phm run` first")
    import duckdb  # read-only look-up of the practice with most people in the stored run

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("""SELECT practice_code FROM phm_person WHERE run_id = ? GROUP BY 1
                              ORDER BY count(*) DESC, 1 LIMIT 1""", [rows["run_id"]]).fetchone()[0]
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("data/pophealth.duckdb"))
    parser.add_argument("--out", type=Path, default=Path("docs/images"))
    parser.add_argument("--measure", default="ae-four-hour", help="the measure whose page is photographed")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pophealth-shots-") as tmp:
        folder = Path(tmp)
        db = _copy_warehouse(args.db, folder)
        practice = _busiest_practice(db)
        _cli("users", "add", "tour_analyst", "--role", "analyst", "--name", "Tour Analyst", "--password-stdin",
             db=db, password=PASSWORD)
        _cli("users", "add", "tour_care", "--role", "care_team", "--name", "Tour Care Team", "--practice",
             practice, "--password-stdin", db=db, password=PASSWORD)
        site = folder / "site"
        _cli("publish", "--out", str(site), db=db)
        port = _free_port()
        server = _serve(db, port)
        url = f"http://127.0.0.1:{port}"
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
                _shot(page, url + "/", args.out, "home")
                _shot(page, url + "/places/E06000016", args.out, "place-profile")
                _shot(page, f"{url}/measures/{args.measure}", args.out, "measure-spc", until=".ph-chart")
                _shot(page, (site / "pledges" / "6.html").as_uri(), args.out, "microsite", until="main table")
                _sign_in(page, url, "tour_analyst")
                _shot(page, url + "/phm", args.out, "phm", until="main table")
                _sign_in(page, url, "tour_care")
                _shot(page, url + "/care/worklists/frailty", args.out, "care-worklist",
                      until="main table tbody tr:nth-child(8)")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
