"""Names in other scripts in the real browser: the app offline, a name typed in Arabic, Chinese,
Bengali and emoji, and not one font request fails (a failed one is drawn as boxes)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from seen_cli.processes import app_process
from tests.e2e.conftest import Ui, free_port, publish, require_browser

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NAME = "اختبار 测试 পরীক্ষা 👍🙂"  # "test" in Arabic, Chinese, Bengali: no one's name
_FONT = re.compile(r"\.(ttf|otf|ttc|woff2?)(\?|$)")


def test_names_in_other_scripts_load_their_fonts(browser_context: Any, tmp_path: Path) -> None:
    require_browser()
    app = app_process(tmp_path, free_port()).start()
    failed: list[str] = []
    loaded: list[str] = []

    def response(r: Any) -> None:
        if _FONT.search(r.url):
            (loaded if r.ok else failed).append(f"{r.status} {r.url}")

    page = browser_context.new_page()
    page.on("response", response)
    page.on("requestfailed", lambda r: _FONT.search(r.url) and failed.append(f"failed {r.url}"))
    try:
        app.wait_ready()
        ui = Ui(page)
        ui.open(app.ready_url)
        box = ui.wait(ui.page.get_by_role("textbox"), timeout=60)  # a first start is slower
        box.focus()
        box.fill(NAME)
        # The fallback fonts are fetched as the text is laid out: wait for the CJK one however
        # slow the machine (bounded), then a moment for the other scripts' fetches to finish.
        for _ in range(480):
            if any("NotoSansCJK" in url for url in loaded) or failed:
                break
            page.wait_for_timeout(250)
        page.wait_for_timeout(3000)
        shot = ui.shot("fonts-other-scripts")
    finally:
        page.close()
        app.stop()
    assert not failed, failed
    assert any("NotoSansCJK" in url for url in loaded), loaded
    publish([shot])
