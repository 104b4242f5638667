"""Exporting a child's record: why first (a subject access request, a court bundle, or another
reason in words), then a JSON document or a PDF with the chronology, corrections beside their
originals, and every confidential reporter redacted, whoever exports; each export audited with
who, why and when. And the attacker's side: no form token, another team's child, bad input."""

from __future__ import annotations

import io
import json
from pathlib import Path

import httpx
import pytest
from pypdf import PdfReader

from tests.console.child_helpers import CORRECTED, GRANDMOTHER, PHONE, REASON, SIBLING, story
from tests.console.helpers import Console, token
from tests.sync.helpers import TestClient


def _export(client: TestClient, child_id: object, **data: str) -> httpx.Response:
    form = client.get(f"/console/children/{child_id}/export")
    assert form.status_code == 200
    return client.post(
        f"/console/children/{child_id}/export", data={"csrf_token": token(form), **data}
    )


def _pdf_text(body: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def test_a_subject_access_pdf_has_the_chronology_and_no_confidential_reporter(
    console: Console,
) -> None:
    s = story(console)
    client = console.signed_in()  # the manager, who may see the reporter on the page
    answer = _export(client, s.child_id, purpose="subject_access", format="pdf")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert "attachment" in answer.headers["content-disposition"]
    text = " ".join(_pdf_text(answer.content).split())
    assert "redacted" in text.lower()
    assert "Nanna" not in text and "Testwell" not in text and "07700" not in text
    assert "Correction to the visit" in text and CORRECTED in text and REASON in text
    original = s.visit.children[0].voice.wishes_and_feelings
    assert " ".join(original.split()[:3]) in text
    assert SIBLING not in text
    assert "A subject access request" in text and "Manager (synthetic)" in text
    audited = console.world.audit(action="console.child.export.subject_access")
    assert [(r["child_id"], r["practitioner_id"], r["outcome"]) for r in audited] == [
        (s.child_id, console.world.manager.practitioner_id, "ok")
    ]
    assert audited[0]["at"] == console.world.clock()


def test_a_court_bundle_json_keeps_originals_and_redacts_the_reporter(console: Console) -> None:
    s = story(console)
    answer = _export(console.signed_in("duty"), s.child_id, purpose="court_bundle", format="json")
    assert answer.status_code == 200
    raw = answer.text
    assert GRANDMOTHER not in raw and PHONE not in raw
    document = json.loads(raw)
    assert document["exported"]["purpose"] == "court_bundle"
    assert document["exported"]["by"] == "Duty (synthetic)"
    entries = document["child"]["entries"]
    concern = next(e for e in entries if e["kind"] == "concern")
    assert concern["redacted"] is True
    correction = next(e for e in entries if e["kind"] == "amendment")
    original = s.visit.children[0].voice.wishes_and_feelings
    assert correction["changes"] == [
        {"field": "Children, item 1, voice, wishes and feelings", "original": original,
         "amended": CORRECTED}
    ]  # fmt: skip
    assert [e["at"] for e in entries] == sorted((e["at"] for e in entries), reverse=True)
    assert len(console.world.audit(action="console.child.export.court_bundle")) == 1
    # Children in other households an adult is linked to are third parties: not named.
    load = console.world.worker.load
    assert load is not None
    home = next(c.household_id for c in load.children if c.child_id == s.child_id)
    elsewhere = [c.name for c in load.children if c.household_id != home]
    linked = [o for p in document["child"]["people"] for o in p["other_children"]]
    assert linked and all(o["name"] == "Another child (not named in an export)" for o in linked)
    assert not [name for name in elsewhere if name in raw]


def test_another_reason_needs_words_and_they_go_into_the_document(console: Console) -> None:
    s = story(console)
    client = console.signed_in()
    missing = _export(client, s.child_id, purpose="other", purpose_text="  ", format="json")
    assert missing.status_code == 400 and "Say why" in missing.text
    nothing = _export(client, s.child_id, format="pdf")
    assert nothing.status_code == 400 and "Choose why" in nothing.text
    hostile = _export(client, s.child_id, purpose="other", purpose_text="a\x00b", format="json")
    assert hostile.status_code == 400
    form = client.get(f"/console/children/{s.child_id}/export")
    surrogate = client.post(  # a lone surrogate, UTF-8 encoded, as a hostile browser sends it
        f"/console/children/{s.child_id}/export",
        content=f"csrf_token={token(form)}&purpose=other&purpose_text=%ED%A0%80&format=json",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert surrogate.status_code in (200, 400)
    if surrogate.status_code == 200:  # read as the replacement character: valid text
        surrogate.content.decode("utf-8")
    huge = _export(client, s.child_id, purpose="other", purpose_text="x" * 5000, format="json")
    assert huge.status_code == 400
    odd = _export(client, s.child_id, purpose="subject_access", format="exe")
    assert odd.status_code == 400
    before = len(console.world.audit(action="console.child.export.other"))
    ok = _export(
        client, s.child_id, purpose="other", purpose_text="Ombudsman asked (synthetic).",
        format="json",
    )  # fmt: skip
    assert ok.status_code == 200
    assert json.loads(ok.text)["exported"]["purpose_text"] == "Ombudsman asked (synthetic)."
    assert len(console.world.audit(action="console.child.export.other")) == before + 1


def test_an_export_without_the_form_token_is_refused(console: Console) -> None:
    s = story(console)
    client = console.signed_in()
    answer = client.post(
        f"/console/children/{s.child_id}/export",
        data={"purpose": "subject_access", "format": "pdf"},
    )
    assert answer.status_code == 403 and "form has expired" in answer.text
    assert console.world.audit(action="console.child.export.subject_access") == []


def test_another_teams_child_cannot_be_exported_and_the_attempt_is_audited(
    console: Console,
) -> None:
    theirs = console.child_of_team(console.world.team_b)
    answer = _export(console.signed_in(), theirs, purpose="court_bundle", format="pdf")
    assert answer.status_code == 403
    refused = console.world.audit(action="console.child.export.court_bundle")
    assert [(r["child_id"], r["outcome"]) for r in refused] == [(theirs, "forbidden")]


def test_the_pdf_draws_a_childs_words_in_other_scripts(console: Console) -> None:
    s = story(console)
    from sync.server.console.export_pdf import render_pdf
    from sync.server.services.chronology import ExportPurpose, Viewer, export_chronology

    world = console.world
    viewer = Viewer("ORG-DEMO", console.duty_id, "DUTY", None)
    chronology = export_chronology(
        db=world.db, viewer=viewer, child_id=s.child_id, purpose=ExportPurpose.OTHER,
        now=world.clock(),
    )  # fmt: skip
    body = render_pdf(
        chronology, purpose=ExportPurpose.OTHER, purpose_text="学校 Zoë Ελένη Олена",
        by="Duty (synthetic)", at=world.clock(),
    )  # fmt: skip
    text = _pdf_text(body)
    assert "Zoë" in text and "Ελένη" in text and "Олена" in text
    assert "学" in text and "校" in text


def test_a_server_without_the_fonts_says_so_and_records_no_export(
    console: Console, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from sync.server.console import export_pdf

    s = story(console)
    monkeypatch.setattr(export_pdf, "FONTS", tmp_path)  # an install without assets/
    answer = _export(console.signed_in(), s.child_id, purpose="court_bundle", format="pdf")
    assert answer.status_code == 503 and "Download the JSON" in answer.text
    assert console.world.audit(action="console.child.export.court_bundle") == []
