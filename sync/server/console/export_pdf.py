"""A child's exported record as a readable PDF (fpdf2, pure Python): why, by whom and when it was
exported; the child, the plan, everyone around them; then the chronology newest first, each
correction as a table of the original values beside the corrected ones. Confidential reporters
arrive already redacted (the service's export read); this only draws.

Fonts: Noto Sans (Latin, Greek, Cyrillic) with the app's bundled Noto fonts as fallbacks, all
from assets/fonts, so a child's words in any script the app can show are drawn here too. Without
a text shaper (uharfbuzz is not installed) Arabic and the Indic scripts are drawn letter by
letter, unjoined: readable, not well set.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from sync.server.console.when import when
from sync.server.services.chronology import Chronology, Entry, ExportPurpose

__all__ = ["FONTS", "pdf_available", "render_pdf"]

FONTS = Path(__file__).resolve().parents[3] / "assets" / "fonts"
_FALLBACKS = {
    "Seen Arabic": "NotoNaskhArabicUI-Regular.ttf",
    "Seen Bengali": "NotoSansBengali-Regular.ttf",
    "Seen Gurmukhi": "NotoSansGurmukhi-Regular.ttf",
    "Seen Gujarati": "NotoSansGujarati-Regular.ttf",
    "Seen Devanagari": "NotoSansDevanagari-Regular.ttf",
    "Seen Tamil": "NotoSansTamil-Regular.ttf",
    "Seen Chinese": "NotoSansCJKsc-Common.otf",
}
_GREY = (80, 80, 80)


def pdf_available() -> bool:
    """Whether this server holds the fonts (a checkout does; an install without assets/ not)."""
    names = ["NotoSans-Regular.ttf", "NotoSans-Bold.ttf", *_FALLBACKS.values()]
    return all((FONTS / name).is_file() for name in names)


class _Record(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(format="A4")
        self.footer_text = footer_text
        self.add_font("Noto", "", str(FONTS / "NotoSans-Regular.ttf"))
        self.add_font("Noto", "B", str(FONTS / "NotoSans-Bold.ttf"))
        for name, file in _FALLBACKS.items():
            self.add_font(name, "", str(FONTS / file))
        self.set_fallback_fonts(list(_FALLBACKS), exact_match=False)
        self.set_auto_page_break(auto=True, margin=18)
        self.set_title("Record of a child")
        self.set_creator("Seen & Heard")

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("Noto", "", 8)
        self.set_text_color(*_GREY)
        self.cell(0, 5, f"{self.footer_text}  Page {self.page_no()}", align="C")
        self.set_text_color(0, 0, 0)

    def heading(self, text: str, size: int = 14) -> None:
        self.set_font("Noto", "B", size)
        self.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(1)
        self.set_font("Noto", "", 10)

    def para(self, text: str, *, bold: bool = False, size: int = 10) -> None:
        self.set_font("Noto", "B" if bold else "", size)
        self.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        self.set_font("Noto", "", 10)

    def pair(self, label: str, text: str) -> None:
        if text:
            self.para(f"{label}: {text}")


def _entry(pdf: _Record, e: Entry) -> None:
    pdf.ln(2)
    pdf.para(f"{when(e.at)}  {e.title}", bold=True, size=11)
    if e.by:
        pdf.para(f"Recorded by {e.by}")
    for line in e.lines:
        pdf.pair(line.label, line.text)
    for words in e.words:
        pdf.para(
            f"The child said: \u201c{words.text}\u201d"
            + (f" ({words.label})" if words.label else "")
        )
    if e.changes:
        pdf.set_font("Noto", "", 9)
        bold = FontFace(family="Noto", emphasis="BOLD")
        with pdf.table(col_widths=(30, 35, 35), headings_style=bold, text_align="LEFT") as table:
            table.row(["What was corrected", "Originally", "Corrected to"])
            for change in e.changes:
                table.row([change.field, change.original, change.amended])
        pdf.set_font("Noto", "", 10)
        pdf.pair("Reason for the correction", e.reason)
    for event in e.events:
        pdf.para(f"{when(event.at)}: {event.text}" + (f". {event.note}" if event.note else ""))


def render_pdf(
    c: Chronology, *, purpose: ExportPurpose, purpose_text: str, by: str, at: datetime
) -> bytes:
    """The PDF's bytes."""
    pdf = _Record(f"Exported by {by}, {when(at)}. Confidential reporters are redacted.")
    pdf.add_page()
    pdf.heading(f"Record of {c.name}", 18)
    pdf.pair("Why it was exported", purpose.words)
    pdf.pair("In the exporter's words", purpose_text)
    pdf.pair("Exported by", by)
    pdf.pair("Exported at", when(at))
    pdf.para(
        "Confidential reporters' identities are redacted: where a reporter asked for their "
        "identity to be kept confidential, their name and contact details are left out."
    )
    pdf.ln(3)
    pdf.heading("The child")
    pdf.pair("Date of birth", when(c.date_of_birth))
    pdf.pair("Allocated worker", c.allocated_to)
    pdf.pair("Team", c.team)
    pdf.pair("Last seen", when(c.last_seen_at) or "Not seen on this record")
    pdf.ln(2)
    pdf.heading("The plan and due dates")
    if c.plan is None:
        pdf.para(c.plan_problem)
    else:
        pdf.pair("Plan", c.plan.context)
        pdf.pair("Visiting rule", c.plan.rule)
        pdf.pair("Started", when(c.plan.started_on))
        pdf.pair("Next visit due", when(c.plan.next_due) or "No further visit set by the rule")
        pdf.pair("Overdue", c.plan.overdue)
        for d in c.plan.deadlines:
            met = f"met {when(d.met_on)}" if d.met_on else (d.overdue or "not yet met")
            pdf.para(f"{d.description}: due {when(d.due)}, {met}")
    pdf.ln(2)
    pdf.heading("Everyone around the child")
    if not c.people:
        pdf.para("Nobody is linked to this child on the record.")
    for p in c.people:
        pdf.para(f"{p.name}, {p.relationship}", bold=True)
        pdf.pair("Parental responsibility", p.parental_responsibility)
        pdf.pair("Part in the child's care", p.role_in_care)
        pdf.pair("Lives with the child", "Yes" if p.lives_here else "No")
        pdf.pair("Stays overnight regularly", "Yes" if p.stays_overnight else "No")
        pdf.pair("Pattern of care", p.care_pattern)
        pdf.pair("Care assessed", p.assessed)
        for r in p.restrictions:
            pdf.pair("Contact restriction", r)
        for o in p.other_children:
            pdf.pair(
                "Also linked to",
                f"{o.name} ({o.relationship})" + (f": {o.restriction}" if o.restriction else ""),
            )
    pdf.add_page()
    pdf.heading("Chronology, newest first")
    if not c.entries:
        pdf.para("Nothing is recorded for this child yet.")
    for e in c.entries:
        _entry(pdf, e)
    return bytes(pdf.output())
