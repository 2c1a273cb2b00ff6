"""When the visit took place, when the dictation says so: "visit on Tuesday 3 March at
4 pm", "on the afternoon of the 4th of March", "Date of visit, Wednesday 19 February,
3.15 pm", "yesterday", "at half four". Only what was said: "today" or "this morning"
gives no date (the service uses the recording's time), a weekday alone gives only the
weekday, a time alone only the time.

Only the part of a sentence that speaks of the visit is read (or a form's label for it,
"Date and time, 14th of January, 5.15pm", or a sentence among the first that says only
when: "Monday evening, about 7pm."), in the purpose section or the note's first
sentences, up to the first word that starts talking about something else ("...after a
domestic incident on Saturday night": Saturday is not the visit). "Monday the 3rd" and
"on the 17th" are a day of the month without the month.
A time said without am/pm is a daytime visit: 8 to 11 is morning, 12 to 7 afternoon or
evening; "morning"/"afternoon"/"evening"/"night" next to it decide instead.
A worker who corrects themselves ("Tuesday, no wait, that was Monday", "the 12th, no, 13th",
"half 4, no, twenty to 5 actually"; the correcting words of ``corrections`` in
``data/visit.yaml``) means what they say after the correction: each part said again after it
replaces the one before."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from models.draft import WEEKDAYS, VisitWhen
from pipeline.drafting.field_hedges import hedge_words
from pipeline.drafting.sentences import NoteSentence
from pipeline.drafting.visit_phrases import visit_rules

FIRST_SENTENCES = 3
_NEAR_ARRIVAL = 12  # characters between a time and the arrival word after it: "At 10 past 4 I arrived"
_PART_BREAK = re.compile(r"[,;]|\b(and|then|but|so|until|before)\b", re.I)  # "arrived, and at 5 ..."
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
            "ten": 10, "eleven": 11, "twelve": 12}
_MINUTES = {"five": 5, "ten": 10, "twenty": 20, "twenty five": 25}  # "ten past four", "twenty to five"
_HOUR = r"(\d{1,2}|" + "|".join(_NUMBERS) + ")"
_MONTH = "(" + "|".join(_MONTHS) + ")"
# "the 3rd of Feb", "14 Sept": a month shortened, only after its day (before a day "Jan" may be a name)
_SHORT_MONTH = r"(" + "|".join(_MONTHS) + r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
_ORDINAL_WORDS = {word: n for n, word in enumerate(
    ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
     "fifteenth sixteenth seventeenth eighteenth nineteenth twentieth twenty-first twenty-second twenty-third "
     "twenty-fourth twenty-fifth twenty-sixth twenty-seventh twenty-eighth twenty-ninth thirtieth thirty-first").split(),
    start=1)}
_DAY = r"(\d{1,2}|" + "|".join(sorted(_ORDINAL_WORDS, key=len, reverse=True)) + r")(?:st|nd|rd|th)?"
_DATE = re.compile(rf"\b(?:the )?{_DAY} (?:of )?{_SHORT_MONTH}(?:,? (\d{{4}}))?(?![a-z])|\b{_MONTH} {_DAY}(?:,? (\d{{4}}))?\b",
                   re.I)
# "Monday the 3rd", "on the 17th at about 7": a day of the month said without the month
_ORDINAL_DAY = re.compile(r"\b(?:the|" + "|".join(WEEKDAYS) + r") (\d{1,2})(?:st|nd|rd|th)\b(?=\s*(?:[,.;]|$|at\b|in\b|on\b|from\b|when\b|"
                          r"between\b|about\b|around\b|for\b|to\b|as\b|and\b|under\b|with\b))", re.I)
# "14/03/25", "4/3/2025": a date written as numbers, day first (as in the UK)
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b")
# what a sentence that only says when may hold besides the date and time ("It is Saturday the 11th")
_WHEN_FILLER = re.compile(r"\b(on|at|about|around|roughly|approximately|the|of|in|morning|afternoon|evening|night|"
                          r"lunchtime|early|late|visit|date|time|and|it|is|it's|today|today's)\b|[\s,.:;-]+", re.I)
_WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b", re.I)
_DAYS_BEFORE = re.compile(r"\b(?:the )?day before yesterday\b|\byesterday\b", re.I)
# "yesterday, so Tuesday", "Tuesday, yesterday,": the weekday of the day said as days before
_SAME_DAY = re.compile(r"^[\s,(]*(?:(?:so|that's|that is|which was|i\.e\.)\b[\s,]*)?$", re.I)
_CORRECTION_PARTS = re.compile(r"[^,;]+")
_CORRECTION_WORDS = re.compile(r"[a-z]+|'[a-z]+")
_NOT_A_COUNT = r"(?! (years?|months?|weeks?|days?|times|percent|pounds|of|minutes|hours|children|kids|people)\b)"
_TIMES = [  # (pattern, how to read it); the first that matches a stretch wins
    (re.compile(rf"\b{_HOUR}(?:[.:](\d{{2}}))? ?(am|pm|a\.m\.|p\.m\.)", re.I), "clock"),
    (re.compile(rf"\b{_HOUR}(?:[.:](\d{{2}}))? o'?clock\b", re.I), "clock"),
    (re.compile(rf"\bhalf past {_HOUR}\b", re.I), "half"),
    (re.compile(rf"\bhalf {_HOUR}\b", re.I), "half"),  # British "half four" is 4.30
    (re.compile(rf"\bquarter past {_HOUR}\b", re.I), "quarter past"),
    (re.compile(rf"\bquarter to {_HOUR}\b", re.I), "quarter to"),
    (re.compile(rf"\b(five|ten|twenty|twenty[- ]five|\d{{1,2}}) past {_HOUR}\b{_NOT_A_COUNT}", re.I), "minutes past"),
    (re.compile(rf"\b(five|ten|twenty|twenty[- ]five|\d{{1,2}}) to {_HOUR}\b{_NOT_A_COUNT}", re.I), "minutes to"),
    (re.compile(r"\b(\d{1,2})[.:](\d{2})\b(?! ?(%|percent|pounds|kg|miles))", re.I), "clock"),
    (re.compile(rf"\bat (?:about |around |roughly )?{_HOUR}\b{_NOT_A_COUNT}", re.I), "clock"),
    # "on the 3rd, around 4, she knew": an hour said roughly, then the sentence moves on
    (re.compile(rf"\b(?:about|around|roughly|approximately) {_HOUR}\b(?=\s*(?:[,.;]|$|in the\b|this\b|that\b|on\b|"
                rf"when\b|with\b))", re.I), "clock"),
]
_PART_OF_DAY = re.compile(r"\b(morning|afternoon|evening|night|tonight)\b", re.I)


def visit_when(sentences: list[NoteSentence], section_keys: list[str]) -> VisitWhen | None:
    rules = visit_rules()["when"]
    found: list[tuple[int, dict, int, int]] = []  # (sentence, parts, start, end) in order
    for index, (sentence, key) in enumerate(zip(sentences, section_keys)):
        if key != "purpose" and index >= FIRST_SENTENCES:
            continue
        text = sentence.text
        label = rules["label"].search(text)
        about_visit = rules["visit"].search(text) or label
        if not about_visit and index >= FIRST_SENTENCES:
            continue
        arrival = rules["worker_arrival"].search(text)
        adds_time = arrival and not any("time" in said for _, said, _, _ in found)
        if found and not (label and index == found[-1][0] + 1) and not adds_time:
            break  # a form's next line ("Date of visit, 22nd April." "Time, 5.30pm.") may add to it
        cut = rules["about_something_else"].search(text)
        clause = text[:cut.start()] if cut else text
        read = _read_corrected(clause)
        if read is None or not (about_visit or arrival) and not _only_when(clause, read):
            continue  # "Monday evening, about 7pm." opening a note is when; another sentence is not
        parts, start, end = read
        if found and adds_time:  # "Visit on Thursday the 6th." "At 10 past 4 I arrived ...": only its time
            if "time" not in parts:
                break
            parts = {"time": parts["time"]}
        if found and set(parts) & set(found[0][1]):
            break
        found.append((index, parts, start, end))
    if not found:
        return None
    first, last = found[0], found[-1]
    start = sentences[first[0]].model.start_char + first[2]
    end = sentences[last[0]].model.start_char + last[3]
    parts = {name: value for _, said, _, _ in found for name, value in said.items()}
    return VisitWhen(said=_text_between(sentences, start, end), start_char=start, end_char=end, **parts)


def _text_between(sentences: list[NoteSentence], start: int, end: int) -> str:
    doc_text = sentences[0].span.doc.text
    return doc_text[start:end]


def _read_corrected(clause: str) -> tuple[dict, int, int] | None:
    """What the clause says of when, each part said again after a correction replacing the one
    before it ("Thursday the 12th, no, 13th, sorry, the 13th": the 13th)."""
    parts: dict = {}
    start = end = None
    for first, last in _corrected_pieces(clause):
        read = _read(clause[first:last], whole=clause)
        if read is None:
            continue
        said, piece_start, piece_end = read
        parts |= said
        start = first + piece_start if start is None else start
        end = first + piece_end
    return None if start is None else (parts, start, end)


def _corrected_pieces(clause: str) -> list[tuple[int, int]]:
    """(start, end) of the stretches of the clause between the worker's corrections: a part
    between commas made only of correcting words, with one that says so ("no wait", "sorry",
    "no, actually"; "no" alone also does)."""
    words = visit_rules()["corrections"]
    pieces: list[tuple[int, int]] = []
    start = 0
    for part in _CORRECTION_PARTS.finditer(clause):
        said = _CORRECTION_WORDS.findall(part.group().lower())
        if said and all(w in words["any"] for w in said) and (any(w in words["signal"] for w in said) or
                                                               said == ["no"]):
            pieces.append((start, part.start()))
            start = part.end()
    return pieces + [(start, len(clause))]


def _read(clause: str, *, whole: str) -> tuple[dict, int, int] | None:
    """What a stretch of a clause says of when (``whole``: the clause, for the part of the day)."""
    said: list[tuple[dict, tuple[int, int]]] = []  # what each stretch of the clause says
    date = _DATE.search(clause)
    numeric = _NUMERIC_DATE.search(clause) if date is None else None
    if numeric is not None and 1 <= int(numeric.group(1)) <= 31 and 1 <= int(numeric.group(2)) <= 12:
        year = int(numeric.group(3))
        said.append(({"day": int(numeric.group(1)), "month": int(numeric.group(2)),
                      "year": year + 2000 if year < 100 else year}, numeric.span()))
    if date is not None:
        day, month, year = (date.group(1), date.group(2), date.group(3)) if date.group(1) else \
            (date.group(5), date.group(4), date.group(6))
        day = int(day) if day.isdigit() else _ORDINAL_WORDS[day.lower()]  # "the twelfth of March"
        if 1 <= day <= 31:
            said.append(({"day": day, "month": _month_number(month)} | ({"year": int(year)} if year else {}),
                         date.span()))
    ordinal = _ORDINAL_DAY.search(clause) if date is None and numeric is None else None
    if ordinal is not None and 1 <= int(ordinal.group(1)) <= 31:
        said.append(({"day": int(ordinal.group(1))}, ordinal.span()))
    weekdays = list(_WEEKDAY.finditer(clause))
    weekday = weekdays[0] if weekdays else None
    if date is not None:  # "arranged on Monday, carried out on Wednesday 26th March": the date's own weekday
        weekday = next((w for w in weekdays if 0 <= date.start() - w.end() <= 5), weekday)
    if weekday is not None:
        said.append(({"weekday": weekday.group(1).lower()}, weekday.span()))
    days_before = _DAYS_BEFORE.search(clause)
    only_weekday = weekday is not None and len(said) == 1 and set(said[0][0]) == {"weekday"}
    if days_before is not None and (not said or only_weekday and _same_day(clause, days_before, weekday)):
        said.append(({"days_before": 2 if "before" in days_before.group().lower() else 1}, days_before.span()))
    taken = [d.span() for d in (date, ordinal, numeric) if d is not None]
    times = _said_times(clause, taken=taken, whole=whole)
    time = _arrival_time(clause, times) or (times[0] if times else None)
    if time is not None and time[0] is not None:  # a vague time says none
        said.append(({"time": time[0]}, time[1]))
    said = [(parts, span) for parts, span in said if not _hedged(clause, span)]
    if not said:
        return None
    return ({name: value for parts, _ in said for name, value in parts.items()},
            min(start for _, (start, _) in said), max(end for _, (_, end) in said))


def _month_number(said: str) -> int:
    """'March', 'Mar', 'Sept.' -> 3, 3, 9."""
    return next(n for n, month in enumerate(_MONTHS, start=1) if month.startswith(said.lower().rstrip(".")[:3]))


def _same_day(clause: str, days_before: re.Match, weekday: re.Match) -> bool:
    """'yesterday, so Tuesday', 'on Tuesday, yesterday,': the weekday said of the same day."""
    first, second = sorted((days_before, weekday), key=lambda m: m.start())
    return bool(_SAME_DAY.match(clause[first.end():second.start()]))


def _arrival_time(clause: str, times: list[tuple[dt.time | None, tuple[int, int]]]
                  ) -> tuple[dt.time | None, tuple[int, int]] | None:
    """The time said of the worker's getting there: the first after the arrival word in its part of
    the sentence ("Police rang at 23:05 and I arrived at the flat at 23:50"), else one just before it
    ("At 10 past 4 I arrived ... I left at 20 past 5"), else the first after it."""
    arrival = visit_rules()["when"]["arrival"].search(clause)
    if arrival is None:
        return None
    after = sorted((t for t in times if t[1][0] >= arrival.end()), key=lambda t: t[1])
    if after and not _PART_BREAK.search(clause[arrival.end():after[0][1][0]]):
        return after[0]
    before = [t for t in times if t[1][1] <= arrival.start() and arrival.start() - t[1][1] <= _NEAR_ARRIVAL]
    return max(before, key=lambda t: t[1]) if before else after[0] if after else None


def _hedged(clause: str, span: tuple[int, int]) -> bool:
    """Said with the worker's doubt in its part of the sentence, or in a part just after it that is
    only the doubt ("I think it was about quarter past 3", "on Tuesday at 4, I'm not sure"; not
    "on Thursday, the 9th I think": the weekday is said)."""
    start = max(clause.rfind(stop, 0, span[0]) for stop in ",;") + 1
    end = min((i for i in (clause.find(stop, span[1]) for stop in ",;") if i >= 0), default=len(clause))
    after = re.split(r"[,;]", clause[end + 1:])[0] if end < len(clause) else ""
    doubt_after = _hedge_pattern().search(after)
    return bool(_hedge_pattern().search(clause[start:end]) or doubt_after and len(
        (after[:doubt_after.start()] + after[doubt_after.end():]).split()) <= 1)


@lru_cache
def _hedge_pattern() -> re.Pattern:
    words = hedge_words()
    alternatives = "|".join
    return re.compile(rf"\b(I|we)('m| am| was| were)? ({alternatives(words['doubting_verbs'])})\b|"
                      rf"(\bnot|n't) ({alternatives(words['unsure'])})\b|\b({alternatives(words['adverbs'])})\b|"
                      rf"\b({alternatives(words['modals'])}) have\b", re.I)


def _only_when(clause: str, found: tuple[dict, int, int]) -> bool:
    """A sentence that says nothing but when ("Monday evening, about 7pm.")."""
    _, start, end = found
    rest = clause[:start] + " " + clause[end:]
    return _WHEN_FILLER.sub("", rest) == ""


def _said_times(clause: str, *, taken: list[tuple[int, int]],
                whole: str) -> list[tuple[dt.time | None, tuple[int, int]]]:
    """Every time said in the clause, the earlier pattern winning a stretch two patterns match, in
    the patterns' order; None for a time said only vaguely ("just after 4", "four-ish").
    ``whole``: the text whose "morning" or "evening" tells am from pm."""
    said: list[tuple[dt.time | None, tuple[int, int]]] = []
    for pattern, kind in _TIMES:
        for m in pattern.finditer(clause):
            if any(m.start() < b and a < m.end() for a, b in taken + [span for _, span in said]):
                continue  # "the 12th of February" is not 12 o'clock
            time = _clock(m, kind, whole)
            if time is not None:
                rules = visit_rules()["when"]
                vague = rules["vague_before"].search(clause[:m.start()]) or rules["vague_after"].search(clause[m.end():])
                said.append((None if vague else time, m.span()))
    return said


def _clock(m: re.Match, kind: str, clause: str) -> dt.time | None:
    minutes_said = _minutes(m.group(1)) if kind.startswith("minutes") else None
    if kind.startswith("minutes") and minutes_said is None:
        return None  # "3 to 4" is a range, not three minutes to four
    hour = _hour(m.group(2) if minutes_said is not None else m.group(1))
    if hour is None or not 1 <= hour <= 12 and kind != "clock" or hour > 23:
        return None
    minute = 0
    if kind == "minutes past":
        minute = minutes_said
    elif kind == "minutes to":
        hour, minute = hour - 1, 60 - minutes_said
    elif kind == "half":
        minute = 30
    elif kind == "quarter past":
        minute = 15
    elif kind == "quarter to":
        hour, minute = hour - 1, 45
    elif m.lastindex and m.lastindex >= 2 and m.group(2) and m.group(2).isdigit():
        minute = int(m.group(2))
    if minute > 59:
        return None
    suffix = (m.group(3) or "").lower().replace(".", "") if kind == "clock" and m.lastindex and m.lastindex >= 3 \
        else ""
    said_24 = kind == "clock" and m.group(1).startswith("0") and len(m.group(1)) == 2  # "01:45", "00:20"
    return dt.time(hour if said_24 else _twenty_four(hour, suffix, clause), minute)


def _minutes(text: str) -> int | None:
    """'ten', 'twenty-five' or '10', '25' before past/to; only the five-minute steps speech uses."""
    text = text.lower().replace("-", " ")
    minutes = int(text) if text.isdigit() else _MINUTES.get(text)
    return minutes if minutes in _MINUTES.values() else None


def _hour(text: str) -> int | None:
    text = text.lower()
    return int(text) if text.isdigit() else _NUMBERS.get(text)


def _twenty_four(hour: int, suffix: str, clause: str) -> int:
    if hour > 12:
        return hour
    if suffix == "am":
        return 0 if hour == 12 else hour
    if suffix == "pm":
        return hour if hour == 12 else hour + 12
    part = _PART_OF_DAY.search(clause)
    if part is not None and part.group(1).lower() != "morning":
        return hour if hour == 12 else hour + 12
    if part is not None:
        return hour
    return hour + 12 if 1 <= hour <= 7 else hour  # a daytime visit: 8-11 morning, 12-7 afternoon/evening
