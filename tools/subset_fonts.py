"""One-off: cut the bundled fallback fonts in assets/fonts/ down from Debian's Noto packages.

The app never subsets at run time; run this only to change what is bundled, then commit the output.

    apt-get download fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji
    for f in *.deb; do dpkg-deb -x "$f" x; done
    python tools/subset_fonts.py x/usr/share/fonts   # needs fonttools (pip install fonttools)

Latin, Greek and Cyrillic are not bundled: the app's default font (Roboto: flet-web's own copy in a
browser, the system's on Android; San Francisco on iOS) already covers every European alphabet.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

OUT = Path(__file__).resolve().parent.parent / "assets" / "fonts"

# Characters every script font keeps: the joiners shaping needs, the dotted circle a shaper draws
# under a stray mark, and the punctuation a sentence uses.
_COMMON = [0x20, 0xA0, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x25CC, *range(0x2010, 0x2027)]


def _ranges(*pairs: tuple[int, int]) -> list[int]:
    return [c for lo, hi in pairs for c in range(lo, hi + 1)]


# (output, source file under the Debian font tree, code points)
SCRIPTS = [
    (
        "NotoNaskhArabicUI-Regular.ttf",  # Arabic and Urdu, in Naskh (Nastaliq is not bundled)
        "truetype/noto/NotoNaskhArabicUI-Regular.ttf",
        _ranges((0x0600, 0x06FF), (0x0750, 0x077F), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)),
    ),
    (
        "NotoSansBengali-Regular.ttf",
        "truetype/noto/NotoSansBengali-Regular.ttf",
        _ranges((0x0980, 0x09FF), (0x0964, 0x0965)),
    ),
    (
        "NotoSansGurmukhi-Regular.ttf",
        "truetype/noto/NotoSansGurmukhi-Regular.ttf",
        _ranges((0x0A00, 0x0A7F), (0x0964, 0x0965)),
    ),
    (
        "NotoSansGujarati-Regular.ttf",
        "truetype/noto/NotoSansGujarati-Regular.ttf",
        _ranges((0x0A80, 0x0AFF), (0x0964, 0x0965)),
    ),
    (
        "NotoSansDevanagari-Regular.ttf",
        "truetype/noto/NotoSansDevanagari-Regular.ttf",
        _ranges((0x0900, 0x097F), (0xA8E0, 0xA8FF)),
    ),
    (
        "NotoSansTamil-Regular.ttf",
        "truetype/noto/NotoSansTamil-Regular.ttf",
        _ranges((0x0B80, 0x0BFF)),
    ),
]


def cjk_common() -> list[int]:
    """GB2312 level 1 (3,755 most used Simplified) and Big5 level 1 (5,401 most used Traditional).

    Both tables are frequency-ordered national standards that Python's codecs carry offline; their
    union covers everyday names and words in Mandarin and Cantonese writing on both sides.
    """
    chars: set[int] = set()
    for hi in range(0xB0, 0xD8):  # GB2312 rows 16-55
        for lo in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(ord(bytes([hi, lo]).decode("gb2312")))
    for code in range(0xA440, 0xC67F):  # Big5 level 1
        with contextlib.suppress(UnicodeDecodeError):
            chars.add(ord(code.to_bytes(2, "big").decode("big5")))
    chars |= set(_ranges((0x3000, 0x303F), (0xFF01, 0xFF5E), (0x2E80, 0x2E99)))
    chars |= {0x00B7, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026}
    return sorted(chars)


def emoji_common() -> list[int]:
    """Single-code-point emoji a person types: faces, hands, hearts, people, everyday things.

    Skin tones, flags and ZWJ sequences (family groups, professions) are left out: each is a
    separate bitmap and together they are most of the font's 10 MB.
    """
    return _ranges(
        (0x1F600, 0x1F64F),  # faces and gestures
        (0x1F90C, 0x1F93A),
        (0x1F970, 0x1F97A),
        (0x1F9D0, 0x1F9D2),  # newer faces and hands
        (0x1F440, 0x1F4AF),  # hands, people, hearts, marks
        (0x1F44A, 0x1F450),
        (0x1F3E0, 0x1F3EB),  # fists, houses and places
        (0x1F380, 0x1F393),  # celebrations, school
        (0x1F31E, 0x1F320),
        (0x2600, 0x2605),
        (0x2614, 0x2615),
        (0x263A, 0x263A),
        (0x2639, 0x2639),
        (0x2705, 0x2705),
        (0x270A, 0x270D),
        (0x2714, 0x2716),
        (0x2728, 0x2728),
        (0x274C, 0x274C),
        (0x2753, 0x2757),
        (0x2763, 0x2764),
        (0x2B50, 0x2B50),
        (0x1F525, 0x1F525),
        (0x1F4F1, 0x1F4F1),
        (0x1F697, 0x1F697),
        (0x1F6B8, 0x1F6B8),
        (0x1F6BC, 0x1F6BC),
        (0x1F9F8, 0x1F9F8),
        (0xFE0F, 0xFE0F),
    )


def _options(*, bitmaps: bool = False) -> subset.Options:
    opts = subset.Options()
    opts.layout_features = ["*"]  # shaping (conjuncts, joining forms, marks) must survive
    opts.name_IDs = ["*"]  # keep the copyright and licence records
    opts.name_languages = ["*"]
    opts.notdef_outline = True
    opts.drop_tables += ["DSIG"]
    opts.hinting = False  # nobody renders these with hinting; it is a quarter of the size
    if bitmaps:
        opts.drop_tables = [t for t in opts.drop_tables if t not in ("CBDT", "CBLC")]
    return opts


def _cut(font: TTFont, codepoints: list[int], out: Path, *, bitmaps: bool = False) -> None:
    sub = subset.Subsetter(_options(bitmaps=bitmaps))
    sub.populate(unicodes=[*codepoints, *_COMMON])
    sub.subset(font)
    font.save(out)
    print(f"{out.name}: {out.stat().st_size / 1024:.0f} KB, {len(font.getBestCmap())} characters")


def main(root: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, src, cps in SCRIPTS:
        _cut(TTFont(root / src), cps, OUT / name)
    cjk = TTCollection(root / "opentype/noto/NotoSansCJK-Regular.ttc")
    sc = next(f for f in cjk.fonts if f["name"].getDebugName(1) == "Noto Sans CJK SC")
    _cut(sc, cjk_common(), OUT / "NotoSansCJKsc-Common.otf")
    _cut(
        TTFont(root / "truetype/noto/NotoColorEmoji.ttf"),
        emoji_common(),
        OUT / "NotoColorEmoji-Common.ttf",
        bitmaps=True,
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
