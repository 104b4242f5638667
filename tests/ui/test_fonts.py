"""Every bundled font exists, opens, and between them and the default font covers a sample of each
script the app promises: a name in any of the UK's most spoken languages is never a row of boxes."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import flet as ft
import pytest

from mobile.main import ASSETS_DIR
from mobile.ui.fonts import FALLBACK, FONTS, font_theme

ttLib = pytest.importorskip("fontTools.ttLib")  # the dev extra

# The default font before the chain: flet-web's Roboto in a browser (Roboto or San Francisco
# on a phone cover at least as much).
import flet_web  # noqa: E402

ROBOTO = Path(flet_web.__file__).parent / "web" / "assets" / "fonts" / "roboto.woff2"

SAMPLES = {
    "Latin": "Łódź Ærø Şehir Ștefănești Ţară Đakovo Ħ ġ ż Ŵ ŷ Ő ű ß œ Čeština Þingvellir",
    "Arabic": "مرحبا",
    "Urdu": "سلام ٹھیک ہے؟ گھر میں بچے",
    "Bengali": "বাংলা",
    "Gurmukhi": "ਪੰਜਾਬੀ",
    "Gujarati": "ગુજરાતી",
    "Devanagari": "हिन्दी",
    "Tamil": "தமிழ்",
    "Chinese": "你好 謝謝 测试 測試 學校 学校 妈妈 媽媽",
    "Greek": "Ελληνικά",
    "Cyrillic": "Русский Українська їжак",
    "Emoji": "👍🙂❤️😢🏠",
}


def _cmap(path: Path) -> set[int]:
    font = ttLib.TTFont(path)
    return set(font.getBestCmap())


@pytest.fixture(scope="module")
def chain() -> list[tuple[str, set[int]]]:
    fonts = [("Roboto", _cmap(ROBOTO))]
    return fonts + [(family, _cmap(ASSETS_DIR / FONTS[family])) for family in FALLBACK]


def test_every_font_in_the_map_exists_and_opens() -> None:
    assert set(FALLBACK) == set(FONTS)
    for family, asset in FONTS.items():
        path = ASSETS_DIR / asset
        assert path.is_file(), family
        font = ttLib.TTFont(path)
        assert font.getBestCmap(), family
        assert "Noto" in (font["name"].getDebugName(1) or ""), family  # the name table survives


@pytest.mark.parametrize("script", sorted(SAMPLES))
def test_each_script_is_covered(script: str, chain: list[tuple[str, set[int]]]) -> None:
    missing = [
        ch
        for ch in SAMPLES[script]
        if not ch.isspace() and ord(ch) != 0xFE0F and not any(ord(ch) in cm for _, cm in chain)
    ]
    assert not missing, f"{script}: no font draws {missing}"


def test_every_text_style_names_the_chain() -> None:
    theme = font_theme("teal")
    for text_theme in (theme.text_theme, theme.primary_text_theme):
        assert text_theme is not None
        styles = [getattr(text_theme, f.name) for f in dataclasses.fields(text_theme)]
        styles = [s for s in styles if isinstance(s, ft.TextStyle)]
        assert len(styles) == 15
        assert all(s.font_family_fallback == FALLBACK for s in styles)


def test_licence_and_sources_sit_beside_the_fonts() -> None:
    folder = ASSETS_DIR / "fonts"
    assert (folder / "OFL.txt").is_file()
    readme = (folder / "README.md").read_text()
    for asset in FONTS.values():
        assert Path(asset).name in readme
