"""The report page's pieces without a browser: the SVG charts (well-formed, named,
described, text escaped, no inline style), durations in words, and the period's
date inputs with GOV.UK's error messages."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from review_ui.charts import Bar, Segment, StackedRow, column_chart, nice_top, stacked_bar_chart
from review_ui.report_view import duration_text, period_form

pytestmark = pytest.mark.unit

SVG = "{http://www.w3.org/2000/svg}"


def parsed(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def test_a_column_chart_is_a_named_described_image_with_a_bar_per_week():
    bars = [Bar(label="2 Mar", value=3.5, text="3.5"), Bar(label="<9 Mar>", value=12.0, text="12.0")]
    svg = parsed(column_chart("c", title="Time to signed note per week", desc="Median & more", bars=bars,
                              axis_label="Median, hours"))
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "c-title c-desc"
    assert svg.find(f"{SVG}title").text == "Time to signed note per week"
    assert svg.find(f"{SVG}desc").text == "Median & more"
    rects = svg.findall(f"{SVG}rect")
    assert len(rects) == 2 and float(rects[1].get("height")) > float(rects[0].get("height"))
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "<9 Mar>" in texts and "20" in texts  # escaped label; the axis's top is 20 for 12
    assert not any(e.get("style") for e in svg.iter())  # the page's CSP allows no inline style


def test_many_weeks_label_every_few_and_leave_values_to_the_table():
    bars = [Bar(label=f"w{n}", value=n, text=str(n)) for n in range(1, 27)]
    svg = parsed(column_chart("c", title="t", desc="d", bars=bars, axis_label="a"))
    labels = [t.text for t in svg.iter(f"{SVG}text") if t.text and t.text.startswith("w")]
    assert 4 <= len(labels) < 26 and labels[0] == "w1"
    assert not [t for t in svg.iter(f"{SVG}text") if t.get("class") == "cn-chart__value"]


def test_a_stacked_chart_cuts_each_bar_into_its_series():
    rows = [StackedRow(label="1B", segments=(Segment("accepted", 3), Segment("rejected", 1), Segment("added", 0)),
                       text="3 accepted, 1 rejected, 0 added by hand"),
            StackedRow(label="2B", segments=(Segment("accepted", 0), Segment("rejected", 0), Segment("added", 2)),
                       text="0 accepted, 0 rejected, 2 added by hand")]
    svg = parsed(stacked_bar_chart("k", title="Acceptance per census code", desc="d", rows=rows))
    segments = [(r.get("class").split("--")[1], float(r.get("width"))) for r in svg.iter(f"{SVG}rect")
                if "cn-chart__seg" in (r.get("class") or "")]
    assert [name for name, _ in segments] == ["accepted", "rejected", "added"]  # no empty segment drawn
    assert segments[0][1] == pytest.approx(3 * segments[1][1])  # widths in proportion
    assert svg.find(f".//{SVG}pattern[@id='cn-pattern-stripes']") is not None  # not colour alone


def test_axis_tops_are_round_numbers():
    assert [nice_top(v) for v in (0, 0.3, 1, 1.2, 3, 7, 12, 480)] == [1, 0.5, 1, 2, 5, 10, 20, 500]


def test_durations_in_words():
    assert [duration_text(s) for s in (None, 0, 0.2, 42, 90, 3600, 3900, 2 * 86400 + 3 * 3600)] == [
        "None yet", "0 seconds", "under a second", "42 seconds", "2 minutes", "1 hour",
        "1 hour 5 minutes", "2 days 3 hours"]


def test_the_period_form_checks_its_dates():
    empty = period_form({}, 25.0)
    assert empty.errors == {} and empty.request.start is None and empty.values["typing-wpm"] == "25"
    good = period_form({"from-day": "1", "from-month": "3", "from-year": "2026", "to-day": "31", "to-month": "3",
                        "to-year": "2026", "typing-wpm": "30"}, 25.0)
    assert (good.request.start, good.request.end, good.request.typing_wpm) == (date(2026, 3, 1),
                                                                                date(2026, 3, 31), 30.0)
    assert period_form({"from-day": "31", "from-month": "2", "from-year": "2026"}, 25).errors == {
        "from-day": "The start date must be a real date"}
    assert period_form({"to-day": "3", "to-year": "2026"}, 25).errors == {
        "to-month": "The end date must include a month"}
    assert period_form({"from-day": "5", "from-month": "3", "from-year": "2026", "to-day": "1", "to-month": "3",
                        "to-year": "2026"}, 25).errors == {
        "from-day": "The start date must be the same as or before the end date"}
    assert period_form({"typing-wpm": "fast"}, 25).errors == {
        "typing-wpm": "Typing speed must be a number from 5 to 200"}
