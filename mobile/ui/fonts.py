"""The bundled fonts for scripts the default font lacks, and the fallback chain that reaches them.

The default font (Roboto in a browser and on Android, San Francisco on iOS) covers Latin with every
European diacritic, Greek and Cyrillic. For the rest of the UK's most spoken languages the app
bundles Noto subsets (assets/fonts/README.md says which characters and why); offline, the browser
otherwise fetches fallbacks from a CDN and draws empty boxes. Every text style names the chain, so
any text, in any control, falls back to the right script.
"""

from __future__ import annotations

import flet as ft

__all__ = ["FALLBACK", "FONTS", "apply_fonts", "font_theme"]

# family -> asset path (relative to assets/); the order of FALLBACK is the order glyphs are sought.
FONTS: dict[str, str] = {
    "Seen Arabic": "fonts/NotoNaskhArabicUI-Regular.ttf",  # Arabic and Urdu (Naskh)
    "Seen Bengali": "fonts/NotoSansBengali-Regular.ttf",
    "Seen Gurmukhi": "fonts/NotoSansGurmukhi-Regular.ttf",
    "Seen Gujarati": "fonts/NotoSansGujarati-Regular.ttf",
    "Seen Devanagari": "fonts/NotoSansDevanagari-Regular.ttf",
    "Seen Tamil": "fonts/NotoSansTamil-Regular.ttf",
    "Seen Chinese": "fonts/NotoSansCJKsc-Common.otf",  # common Simplified and Traditional
    "Seen Emoji": "fonts/NotoColorEmoji-Common.ttf",
}
FALLBACK: list[str] = list(FONTS)

_STYLES = (
    "display_large", "display_medium", "display_small",
    "headline_large", "headline_medium", "headline_small",
    "title_large", "title_medium", "title_small",
    "body_large", "body_medium", "body_small",
    "label_large", "label_medium", "label_small",
)  # fmt: skip


def _text_theme() -> ft.TextTheme:
    styles = {name: ft.TextStyle(font_family_fallback=FALLBACK) for name in _STYLES}
    return ft.TextTheme(**styles)


def font_theme(seed: ft.ColorValue) -> ft.Theme:
    """A theme whose every text style falls back through the bundled fonts."""
    return ft.Theme(
        color_scheme_seed=seed,
        text_theme=_text_theme(),
        primary_text_theme=_text_theme(),
        # A phone's density everywhere: a desktop browser would otherwise make every radio,
        # checkbox and tile 8 px smaller (32 px radio rows), under the 48 px tap target.
        visual_density=ft.VisualDensity.STANDARD,
    )


def apply_fonts(page: ft.Page) -> None:
    page.fonts = dict(FONTS)
