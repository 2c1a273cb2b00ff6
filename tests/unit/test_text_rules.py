"""Text that every export can carry, and the limits and policies that need no server:
cleaning on save, identifiers refused with the character named, a lone surrogate found
in raw JSON, the password policy, CSV cells neutralised."""

from __future__ import annotations

import pytest

from api.exports.csv_rows import neutralised
from api.request_limits import lone_surrogate
from api.services.passwords import check_password, common_passwords
from api.services.review import apply_edits
from models.errors import InvalidText, PasswordRejected, TextTooLong
from models.record import ConfirmedSection, DraftEdits, ReviewState
from models.draft import VisitFields
from models.text import check_identifier, clean_prose, printable

pytestmark = pytest.mark.unit


def test_prose_is_cleaned_not_refused():
    assert clean_prose("a\x0bb\x0cc\r\nd\re\u2028f\u2029g\x85h") == "a\nb\nc\nd\ne\nf\ng\nh"
    assert clean_prose("nul\x00 esc\x1b[1m del\x7f c1\x9b tab\tnl\n") == "nul esc[1m del c1 tab\tnl\n"
    assert clean_prose("Zoe\u0308") == "Zoë"  # NFC
    with pytest.raises(InvalidText, match="U\\+D800"):
        clean_prose("half \ud800")


def test_identifiers_are_refused_naming_the_character():
    assert check_identifier("  CIN-0042 ", "case reference") == "CIN-0042"
    for bad, name in (("CIN\x0b1", "U+000B (vertical tab)"), ("CIN\x001", "U+0000 (nul)"),
                      ("CIN\n1", "U+000A (newline)"), ("CIN\ud8001", "U+D800")):
        with pytest.raises(InvalidText, match=name.replace("+", "\\+").replace("(", "\\(").replace(")", "\\)")):
            check_identifier(bad, "case reference")


def test_printable_keeps_what_it_can_and_replaces_lone_surrogates():
    assert printable("line\x0bbreak\x00 \ud800 \U0001f600") == "line\nbreak \ufffd \U0001f600"


def test_raw_json_with_half_a_surrogate_pair_is_found():
    assert lone_surrogate(b'{"a": "x \\ud800 y"}') == "U+D800"
    assert lone_surrogate(b'{"a": "x \\udc00"}') == "U+DC00"
    assert lone_surrogate(b'{"a": "\\ud83d\\ude00 \\\\ud800"}') is None  # a pair, and an escaped backslash
    assert lone_surrogate(b'{"a": "\\ud83d"}') == "U+D83D"


def test_an_autosave_cleans_sections_and_people_and_refuses_an_over_long_section():
    state = ReviewState(sections=[ConfirmedSection(key="notes", title="Notes", text="")], visit=VisitFields())
    edits = DraftEdits.model_validate({"sections": {"notes": "a\x0bb\x00"},
                                       "visit": {"people_present": [{"name": "Leanne\x0b", "role": "mum"}]}})
    new, changes = apply_edits(state, edits)
    assert new.sections[0].text == "a\nb" and new.visit.people_present[0].name == "Leanne\n"
    assert changes.sections == ["notes"] and changes.visit == ["people_present"]
    with pytest.raises(TextTooLong, match="'Notes' is 1,001 characters"):
        apply_edits(state, DraftEdits(sections={"notes": "x" * 1001}), max_section_chars=1000)


def test_the_password_policy():
    assert len(common_passwords()) > 19_000
    for weak in ("password12", "Password12!", "monkey2024", "short", "iloveyou!!!!"):
        with pytest.raises(PasswordRejected):
            check_password(weak)
    with pytest.raises(PasswordRejected, match="user name"):
        check_password("kim.worker is me", "kim.worker")
    check_password("violet kettle harbour")
    check_password("correct horse battery")


def test_csv_cells_that_a_spreadsheet_would_run():
    for cell in ("=1+1", "+44", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert neutralised(cell) == "'" + cell
    for cell in ("CIN-1", "", "2025-03-12", "Yes"):
        assert neutralised(cell) == cell
