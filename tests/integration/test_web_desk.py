"""The web desk in a real browser: headless Chromium from Debian, driven by Selenium through the system
chromedriver (nothing is downloaded), against `foi-intake serve` started here, a real case log (SQLite, or the
PostgreSQL server with --database postgresql) filled by a real poll of the demo mail, and a real SMTP server.

Screenshots of the work list and a case page are saved for the README: into docs/screenshots/ when
FOI_SCREENSHOTS=1 (so a test run leaves the tree as it was), else beside the test's files."""

from __future__ import annotations

import email
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from importlib import resources
from pathlib import Path

import pytest
import requests
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as seen
from selenium.webdriver.support.ui import Select, WebDriverWait
from sqlalchemy import select

from config.settings import load
from intake.app import build
from intake.caselog import Case, find_case
from intake.vocabulary import DeskRole, EventType
from intake.web.accounts import Accounts
from tests.conftest import ORGANISATION
from tests.servers import SmtpServer, free_port, wait_for_port

README_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
PASSWORDS = {"alice": "alice-password-1", "carol": "carol-password-1", "victor": "victor-password-1"}


@dataclass
class Desk:
    url: str
    config: Path
    smtp: SmtpServer
    plain: str  # an open FOI request
    media: str  # a journalist's request

    def case(self, reference: str) -> Case:
        app = build(load(self.config), migrate=False)
        try:
            with app.sessions() as s:
                case = find_case(s, reference)
                assert case is not None
                _ = case.events  # loaded before the session closes
                return case
        finally:
            app.close()

    def mail(self, wanted: Callable[[EmailMessage], bool], timeout: float = 60) -> EmailMessage:
        """The first message the SMTP server received that `wanted` accepts, waiting for it to arrive."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for received in self.smtp.messages:
                if wanted(received.message):
                    return received.message
            time.sleep(0.2)
        raise AssertionError("no such message reached the SMTP server")


def _text(msg: EmailMessage) -> str:
    body = msg.get_body(preferencelist=("plain",))
    assert isinstance(body, EmailMessage)
    return str(body.get_content())


def _seed(root: Path) -> None:
    """The demo mail, delivered at the dates it was written, polled into the case log."""
    new = root / "mail" / "new"
    for name in ("cur", "new", "tmp"):
        (root / "mail" / name).mkdir(parents=True, exist_ok=True)
    for item in (resources.files("intake") / "demo_mail").iterdir():
        if item.name.endswith(".eml"):
            with resources.as_file(item) as src:
                dest = new / item.name.replace(".eml", ":2,")
                shutil.copy(src, dest)
            stamp = parsedate_to_datetime(email.message_from_bytes(dest.read_bytes())["Date"]).timestamp()
            os.utime(dest, (stamp, stamp))


@pytest.fixture
def desk(tmp_path: Path, smtp: SmtpServer) -> Iterator[Desk]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    (tmp_path / "web.secret").write_text("0123456789abcdef" * 4)
    config = tmp_path / "foi.toml"
    config.write_text(f"""{ORGANISATION}
[mailbox]
kind = "maildir"
path = "mail"

[smtp]
kind = "smtp"
host = "127.0.0.1"
port = {smtp.port}
tls = "none"
retry_backoff_seconds = 0

[classifier]
model = ""

[web]
listen = "127.0.0.1:{port}"
base_url = "{url}"
secret_file = "web.secret"
secure_cookies = false   # plain http on 127.0.0.1
""")
    _seed(tmp_path)
    app = build(load(config), create=True)
    try:
        app.poll_and_flush()
        with app.sessions() as s:
            cases = list(s.scalars(select(Case).where(Case.status == "open").order_by(Case.id)))
            media = next(c.reference for c in cases if "media" in c.flags)
            plain = next(c.reference for c in cases if not c.flags and c.regime == "foi")
    finally:
        app.close()
    added = subprocess.run([sys.executable, "-m", "intake.cli", "--config", str(config), "web", "add-user", "alice",
                            "--role", "dsp"], input=PASSWORDS["alice"] + "\n", capture_output=True, text=True,
                           timeout=120)
    assert added.returncode == 0, added.stderr
    accounts = Accounts(tmp_path / "foi-intake-accounts.json")
    accounts.add("carol", DeskRole.COMMS, PASSWORDS["carol"])
    accounts.add("victor", DeskRole.VIEWER, PASSWORDS["victor"])
    server = subprocess.Popen([sys.executable, "-m", "intake.cli", "--config", str(config), "serve"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_for_port(port, timeout=120)
        yield Desk(url, config, smtp, plain, media)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
        assert "Traceback" not in output, output


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must never fetch a browser or a driver
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1100",
                "--lang=en-GB"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(driver: WebDriver, css: str) -> None:
    WebDriverWait(driver, 30).until(seen.presence_of_element_located((By.CSS_SELECTOR, css)))


def _sign_in(driver: WebDriver, name: str) -> None:
    """On the sign-in page (reached directly or by a redirect), sign in and wait for the next page."""
    _wait(driver, "#login")
    driver.find_element(By.ID, "name").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(PASSWORDS[name])
    driver.find_element(By.CSS_SELECTOR, "#login button").click()
    _wait(driver, "#who")
    assert driver.find_element(By.ID, "who").text.startswith(name)


def _sign_out(driver: WebDriver) -> None:
    driver.find_element(By.CSS_SELECTOR, "form.who button").click()
    _wait(driver, "#login")


def _act(driver: WebDriver, action: str, fields: dict[str, str] | None = None) -> str:
    """Open an action's form on the case page, fill it in, send it; the line the next page shows."""
    if driver.find_element(By.ID, f"open-{action}").get_attribute("open") is None:
        driver.find_element(By.CSS_SELECTOR, f"#open-{action} > summary").click()
    for field, value in (fields or {}).items():
        element = driver.find_element(By.ID, f"{action}-{field}")
        if element.tag_name == "select":
            Select(element).select_by_value(value)
        else:
            element.send_keys(value)
    driver.find_element(By.CSS_SELECTOR, f"#action-{action} button[type=submit]").click()
    _wait(driver, "#flash, #refused")
    return str(driver.find_element(By.CSS_SELECTOR, "#flash, #refused").text)


def _screenshot(driver: WebDriver, name: str) -> None:
    """The whole page, for the README."""
    folder = README_SCREENSHOTS if os.environ.get("FOI_SCREENSHOTS") == "1" else Path(tempfile.gettempdir())
    folder.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1400, min(int(height) + 140, 4000))
    driver.save_screenshot(str(folder / name))
    driver.set_window_size(1400, 1100)


def test_a_dsp_officer_clarifies_and_communications_sign_off_from_the_alert(desk: Desk, browser: WebDriver) -> None:
    browser.get(desk.url)
    _sign_in(browser, "alice")
    # The work list: every open case, the stopped clock of the nameless request and what it waits for.
    assert desk.plain in browser.find_element(By.ID, "open").text
    assert "awaiting clarification; lapses on" in browser.find_element(By.ID, "stopped-section").text
    _screenshot(browser, "work-list.png")

    browser.find_element(By.LINK_TEXT, desk.plain).click()
    _wait(browser, "#case-title")
    assert browser.find_element(By.ID, "status").text == "open"
    line = _act(browser, "clarify", {"ask": "Which financial years do you mean?"})
    assert "clarification requested" in line
    assert browser.find_element(By.ID, "status").text == "awaiting_clarification"
    notice = desk.mail(lambda m: desk.plain in str(m["Subject"]) and "Which financial years" in _text(m))
    assert notice["Auto-Submitted"] == "auto-replied"
    assert [e.actor for e in desk.case(desk.plain).events if e.type == EventType.CLARIFICATION_REQUESTED] == ["alice"]
    browser.refresh()
    _wait(browser, "#audit-trail")
    _screenshot(browser, "case-page.png")

    # The journalist's request: the response waits for Communications.
    browser.get(f"{desk.url}/cases/{desk.media}")
    _wait(browser, "#signoff-state")
    assert "waits for Communications' sign-off" in browser.find_element(By.ID, "signoff-state").text
    refused = _act(browser, "respond", {"outcome": "granted"})
    assert "needs Communications' sign-off before the response goes" in refused
    _sign_out(browser)

    # Communications follow the alert's link, sign in, and sign off there.
    alert = desk.mail(lambda m: "Media request" in str(m["Subject"]) and desk.media in str(m["Subject"]))
    link = re.search(r"http://\S+/signoff", _text(alert))
    assert link is not None and link.group(0) == f"{desk.url}/cases/{desk.media}/signoff"
    browser.get(link.group(0))
    _sign_in(browser, "carol")
    assert browser.current_url == link.group(0)
    line = _act(browser, "comms-signoff")
    assert "Communications sign-off recorded" in line
    assert "Communications signed off: carol" in browser.find_element(By.ID, "signoff-state").text
    _sign_out(browser)

    # The DSP officer's response is now possible.
    browser.get(f"{desk.url}/cases/{desk.media}")
    _sign_in(browser, "alice")
    line = _act(browser, "respond", {"outcome": "granted"})
    assert "responded (granted)" in line
    assert browser.find_element(By.ID, "status").text == "responded"
    trail = [(e.type, e.actor) for e in desk.case(desk.media).events]
    assert (EventType.COMMS_SIGNOFF, "carol") in trail and (EventType.RESPONDED, "alice") in trail


def test_a_viewer_is_refused_an_action_and_so_is_a_forged_form(desk: Desk, browser: WebDriver) -> None:
    browser.get(f"{desk.url}/cases/{desk.plain}")
    _sign_in(browser, "victor")
    _wait(browser, "#no-actions")
    assert "Read-only" in browser.find_element(By.ID, "no-actions").text
    assert not browser.find_elements(By.CSS_SELECTOR, "form[id^=action-]")
    # The viewer's own session, with its CSRF token, posting what a DSP officer's form would.
    viewer = requests.Session()
    viewer.cookies.set("foi_desk", browser.get_cookie("foi_desk")["value"])  # type: ignore[index]
    token = browser.find_element(By.CSS_SELECTOR, "form.who input[name=csrf]").get_attribute("value")
    refused = viewer.post(f"{desk.url}/cases/{desk.plain}/actions/note", data={"csrf": token, "text": "hello"},
                          allow_redirects=False, timeout=30)
    assert refused.status_code == 403 and "read-only (viewer)" in refused.text

    # A DSP officer's session, and a form from elsewhere that lacks the session's CSRF token.
    officer = requests.Session()
    page = officer.get(f"{desk.url}/login", timeout=30).text
    login_token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert login_token is not None
    signed_in = officer.post(f"{desk.url}/login", data={"csrf": login_token.group(1), "name": "alice",
                                                        "password": PASSWORDS["alice"]}, allow_redirects=False,
                             timeout=30)
    assert signed_in.status_code == 303
    forged = officer.post(f"{desk.url}/cases/{desk.plain}/actions/note", data={"text": "forged"},
                          allow_redirects=False, timeout=30)
    assert forged.status_code == 403 and "CSRF" in forged.text
    assert not any(e.type == EventType.NOTE for e in desk.case(desk.plain).events)
