"""Browser fixtures: Debian's Chromium through Playwright (never a downloaded browser), and the
demo's two processes (central record, app) each in its own process group on free ports, so the
server can be stopped and started alone. Screenshots at phone size go to artifacts/screenshots/."""

from __future__ import annotations

import os
import re
import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from seen_cli.demo import RunningDemo, start_demo
from tests.conftest import require_or_skip

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
DOCS_SHOTS = ROOT / "docs" / "screenshots"
PHONE = {"width": 412, "height": 915}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def require_browser() -> None:
    if not Path(CHROMIUM).exists():
        require_or_skip("SEEN_REQUIRE_BROWSER", "Debian's Chromium is not installed")


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium")),
            executable_path=CHROMIUM,
            headless=True,
            args=ARGS,
            viewport=PHONE,
        )
        ctx.set_default_timeout(20_000)
        yield ctx
        ctx.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDemo]:
    """`seen demo`'s processes over a fresh data dir (a synthetic caseload on an enrolled device)."""
    require_browser()
    root = tmp_path_factory.mktemp("demo")
    running = start_demo(root, port=free_port(), server_port=free_port())
    try:
        yield running
    finally:
        running.stop()


# Interactive elements of Flutter's semantics tree (and its text inputs), fully in the viewport:
# their role, accessible name and size in CSS px.
_MEASURE = """() => {
  const sel = 'flt-semantics[role=button], flt-semantics[role=textbox], flt-semantics[role=radio], flt-semantics[role=checkbox],'
    + ' flt-semantics[role=tab], flt-semantics[role=link], flt-semantics[role=switch],'
    + ' flt-semantics[role=slider], input, textarea, [role=menuitem]';
  const out = [];
  for (const el of document.querySelectorAll(sel)) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.top < 0 || r.bottom > window.innerHeight || r.left < 0 || r.right > window.innerWidth)
      continue;
    const labelled = el.getAttribute('aria-labelledby');
    const byId = labelled ? document.getElementById(labelled) : null;
    const name = (el.getAttribute('aria-label') || (byId && byId.textContent)
      || el.getAttribute('placeholder') || el.textContent || '').trim();
    const role = el.getAttribute('role') || el.tagName.toLowerCase();
    out.push({role, name, w: r.width, h: r.height});
  }
  return out;
}"""


class Ui:
    """The app in the browser, driven by accessible role and name."""

    def __init__(self, page: Any) -> None:
        self.page = page

    def open(self, url: str) -> None:
        self.page.goto(url)
        placeholder = self.page.locator("flt-semantics-placeholder")
        placeholder.wait_for(state="attached", timeout=60_000)
        placeholder.evaluate("e => e.click()")  # Flutter's accessibility tree on
        self.wait(self.page.get_by_role("button"), timeout=60)
        self.page.wait_for_timeout(1000)  # the tree settles, and inputs take typing, after this

    def wait(self, locator: Any, timeout: float = 20, *, scroll: bool = True) -> Any:
        """The first match, once shown. Flutter puts only what is near the viewport in the
        accessibility tree, so after a while this scrolls the screen down, then up, and on."""
        start = time.monotonic()
        wheel, step = 350, 0
        while time.monotonic() - start < timeout:
            if locator.count() > 0:
                return locator.first
            time.sleep(0.1)
            if scroll and time.monotonic() - start > 2:
                self.page.mouse.move(PHONE["width"] / 2, PHONE["height"] / 2)
                self.page.mouse.wheel(0, wheel)
                step += 1
                if step % 10 == 0:
                    wheel = -wheel
        raise TimeoutError(f"not shown: {locator}")

    def gone(self, locator: Any, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if locator.count() == 0:
                return
            time.sleep(0.1)
        raise TimeoutError(f"still shown: {locator}")

    def role(self, role: str, name: str | re.Pattern[str], timeout: float = 20) -> Any:
        exact = isinstance(name, str) or None
        return self.wait(self.page.get_by_role(role, name=name, exact=exact), timeout)

    def text(
        self, fragment: str | re.Pattern[str], timeout: float = 20, *, scroll: bool = True
    ) -> Any:
        return self.wait(self.page.get_by_text(fragment, exact=False), timeout, scroll=scroll)

    def top(self) -> None:
        """Scroll the screen back to its top."""
        self.page.mouse.move(PHONE["width"] / 2, PHONE["height"] / 2)
        self.page.mouse.wheel(0, -20_000)
        self.page.wait_for_timeout(300)

    def fill(self, name: str, value: str) -> None:
        """Type into a text field. Flutter may rebuild its inputs (after a screenshot, say) and
        drop what was typed: check it took, and type again if not."""
        for _ in range(5):
            box = self.role("textbox", name)
            box.focus()  # Flutter re-syncs a field's text when it gains focus: let it, first
            self.page.wait_for_timeout(100)
            box.fill(value)
            self.page.wait_for_timeout(200)  # the change reaches the app over the websocket
            if box.count() and box.input_value() == value:
                return
        raise AssertionError(f"could not type into {name!r}")

    def click(self, name: str | re.Pattern[str], role: str = "button") -> None:
        self.role(role, name).click()
        self.page.wait_for_timeout(300)  # the app answers over the websocket

    def tick(self, name: str) -> None:
        self.click(name, role="checkbox")

    def choose(self, question: str, option: str) -> None:
        group = self.role("group", re.compile("^" + re.escape(question)))
        radio = group.get_by_role("radio", name=option, exact=True)
        if radio.count() == 0:  # a long list folds into a tile: open it
            group.get_by_role("button").first.click()
            self.wait(radio)
        radio.first.click()
        self.page.wait_for_timeout(300)

    def tab(self, name: str) -> None:
        self.page.get_by_role("tab", name=re.compile(name)).or_(
            self.page.get_by_role("button", name=re.compile(f"^{name}"))
        ).first.click()
        self.page.wait_for_timeout(300)

    def targets(self, screen: str) -> list[str]:
        """Every interactive element of the screen, scrolled through: each one fully in view is
        measured (Flutter shrinks a half-hidden one) and must be 48 CSS px or more each way and
        have an accessible name. Returns what falls short, in words, for one assertion later."""
        biggest: dict[str, tuple[float, float]] = {}  # a clipped node reads small: keep the most
        self.top()
        unchanged = 0
        for _ in range(40):
            before = len(biggest)
            for item in self.page.evaluate(_MEASURE):
                key = f"{item['role']} {item['name']!r}"
                w, h = biggest.get(key, (0.0, 0.0))
                biggest[key] = (max(w, item["w"]), max(h, item["h"]))
            unchanged = unchanged + 1 if len(biggest) == before else 0
            if unchanged >= 3:
                break
            self.page.mouse.move(PHONE["width"] / 2, PHONE["height"] / 2)
            self.page.mouse.wheel(0, 300)
            self.page.wait_for_timeout(250)
        self.top()
        assert biggest, f"{screen}: no interactive element found"
        out = []
        for key, (w, h) in biggest.items():
            if key.endswith(" ''"):
                out.append(f"{screen}: {key}: no accessible name")
            elif w < 48 or h < 48:
                out.append(f"{screen}: {key}: {w:.0f}x{h:.0f} px")
        return out

    def shot(self, name: str) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.wait_for_timeout(1000)  # the canvas paints ~1 s after the tree
        path = SHOTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path


def publish(shots: list[Path]) -> None:
    """Copy the chosen screenshots to docs/screenshots/ for the README, when asked to
    (SEEN_UPDATE_SCREENSHOTS=1): an ordinary test run never changes tracked files."""
    if os.environ.get("SEEN_UPDATE_SCREENSHOTS") != "1":
        return
    DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
    for shot in shots:
        shutil.copyfile(shot, DOCS_SHOTS / shot.name)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """On a failure, photograph what the browser shows (artifacts/screenshots/FAILED-<test>.png)."""
    report = yield
    if report.when == "call" and report.failed:
        ctx = getattr(item, "funcargs", {}).get("browser_context")
        if ctx is not None and ctx.pages:
            SHOTS.mkdir(parents=True, exist_ok=True)
            ctx.pages[0].screenshot(path=str(SHOTS / f"FAILED-{item.name}.png"))
    return report
