"""The confirmed factors as a CIN census ``<Assessments>`` fragment.

Census factors belong to an authorised assessment, so the fragment carries the
assessment's start and authorisation dates (rule 8614: factors only on an
assessment with an authorisation date). By default they are the visit date and the
confirmation date; the caller gives the real assessment's dates when it has them.
Every fragment is validated against the census schema before it is returned."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

from lxml import etree

from api.exports.context import RenderContext
from api.exports.record import census_order, local
from models.cin_codes import census_rule_problems
from models.errors import ExportSetupError, NotExportable
from models.record import ConfirmedNote

SCHEMA = Path(__file__).parent / "data" / "cin-assessments.xsd"


@lru_cache(maxsize=1)
def assessments_schema() -> etree.XMLSchema:
    try:
        return etree.XMLSchema(etree.parse(str(SCHEMA)))
    except (OSError, etree.XMLSchemaParseError) as exc:
        raise ExportSetupError(f"cannot load the CIN census schema {SCHEMA}: {exc}") from exc


def assessment_dates(note: ConfirmedNote, ctx: RenderContext) -> tuple[date, date]:
    visit = note.visit_date or note.recorded_at
    start = ctx.assessment_start_date or local(visit, ctx.zone).date()
    authorised = ctx.assessment_authorisation_date or local(note.confirmed_at, ctx.zone).date()
    if authorised < start:
        raise NotExportable(
            f"assessment authorisation date {authorised.isoformat()} is before its start date "
            f"{start.isoformat()}; give both dates of the assessment"
        )
    return start, authorised


def factor_codes(note: ConfirmedNote) -> list[str]:
    codes = [f.code for f in note.factors]
    if not codes:
        raise NotExportable(
            "the note has no confirmed CiN factors; a census assessment needs at least one "
            "(21 if no factors were identified)"
        )
    problems = census_rule_problems(codes)
    if problems:
        raise NotExportable("the confirmed factors break census rules: " + "; ".join(problems))
    return census_order(codes)


def build_fragment(note: ConfirmedNote, ctx: RenderContext) -> etree._Element:
    start, authorised = assessment_dates(note, ctx)
    root = etree.Element("Assessments")
    etree.SubElement(root, "AssessmentActualStartDate").text = start.isoformat()
    etree.SubElement(root, "AssessmentAuthorisationDate").text = authorised.isoformat()
    factors = etree.SubElement(root, "FactorsIdentifiedAtAssessment")
    for code in factor_codes(note):
        etree.SubElement(factors, "AssessmentFactors").text = code
    return root


def _comment_safe(text: str) -> str:
    """XML comments may not hold '--' or end with '-'."""
    return text.replace("--", "- -").rstrip("-") or "?"


def render(note: ConfirmedNote, ctx: RenderContext) -> bytes:
    root = build_fragment(note, ctx)
    schema = assessments_schema()
    if not schema.validate(root):
        # A code the census schema does not know would be caught here.
        raise NotExportable(f"the CIN fragment does not validate: {schema.error_log.last_error.message}")
    # The fragment is one child's (one note per child): the comment names whose record it is for.
    root.addprevious(etree.Comment(f" casenote note {note.id}, case {_comment_safe(note.case_reference)}: "
                                   "CiN factors confirmed by the worker "))
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8", pretty_print=True)
