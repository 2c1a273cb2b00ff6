"""Ages said with a person in a note, in the patterns dictation uses: after the name
("Kayden, 7", "Lily (7)", "Mia, age 10", "Max, who is nine", "Harvey, aged 14 months"),
before it ("9-year-old Amber", "seven year old Evie", "her 15 year old cousin") and for a
list in turn ("Sophie and Ella, who are 12 and 9", "his sisters Grace and Holly, aged 10
and 5", "the twins, Kai and Kobe, who are 15")."""

from __future__ import annotations

from pipeline.drafting.doc_views import TokenTable
from pipeline.drafting.person_words import number

_LINKS = ("who", "is", "was", "'s", "aged", "age", "now", "just", "turned", "turns", "only", "’s")  # "Reece, who turned 16"
_NOT_AGES = ("pounds", "percent", "%", "times", "o'clock", "am", "pm")  # and a month: "Jo Fenwick, 2 November"
_LIST_STARTS = (("who", "are"), ("who", "are", "aged"), ("aged",), ("ages",), ("are", "aged"), ("both", "aged"),
                ("who", "are", "both"), ("are",))
_JOINS = ("and", ",", "&")
_BIRTH_WORDS = (("date", "of", "birth"), ("dob",), ("d.o.b",), ("d.o.b.",), ("born", "on"), ("born",))
_MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
_DATE_WORDS = {"of", "the", "/", "-", ".", "st", "nd", "rd", "th", ":"}
_NOT_PERSON_AFTER = {"and", "or", "but", "who", "when", "so", "is", "was", "are", "were", "at", "in", "with", "on"}


def birth_date_end(t: TokenTable, j: int) -> int:
    """'date of birth 4 March 2016', 'DOB 12/04/2018', 'born on the 3rd of March 2015': the
    index just after a date of birth said at j (j itself when none is), so that the age said
    after it ('Sonny, date of birth 21 August 2019, aged 7') is read as the person's."""
    lower, count = t.lower, len(t.lower)
    start = next((s for s in _BIRTH_WORDS if tuple(lower[j:j + len(s)]) == s), None)
    if start is None:
        return j
    k, dated = j + len(start), False
    while k < count and k - j <= 10:
        word = lower[k]
        if word in _MONTHS or any(c.isdigit() for c in word):
            dated = True
        elif word not in _DATE_WORDS:
            break
        k += 1
    return k if dated else j


def _unit(t: TokenTable, j: int) -> str:
    """The word that says what a number counts ('months' in '14 months', '-month-old')."""
    k = j + 1
    if k < len(t.lower) and t.lower[k] == "-":
        k += 1
    return t.lower[k] if k < len(t.lower) else ""


def _in_years(value: int, unit: str) -> int:
    if unit.startswith("month"):
        return value // 12  # "eighteen months" is 1
    if unit.startswith(("week", "day")):
        return 0
    return value


def prefix_age(t: TokenTable, j: int) -> bool:
    """The number at j starts an age said before a person: '9-year-old', '7 year old'."""
    k = j + 1
    lower = t.lower
    if k < len(lower) and lower[k] == "-":
        k += 1
    if k >= len(lower) or not lower[k].startswith(("year", "month", "week")):
        return False
    k += 1
    if k < len(lower) and lower[k] == "-":
        k += 1
    if k >= len(lower) or lower[k] != "old":
        return False
    following = t.text[k + 1] if k + 1 < len(lower) else ""
    return following.isalpha() and following.lower() not in _NOT_PERSON_AFTER  # "3 months old, ...": after


def age_before(t: TokenTable, i: int) -> int | None:
    """'9-year-old Amber', 'seven year old Evie', 'her 15 year old cousin': the age said
    just before the person word at i."""
    lower = t.lower
    k = i - 1
    if k < 0 or lower[k] != "old":
        return None
    k -= 1
    if k >= 0 and lower[k] == "-":
        k -= 1
    if k < 0 or not lower[k].startswith(("year", "month", "week")):
        return None
    unit = lower[k]
    k -= 1
    if k >= 0 and lower[k] == "-":
        k -= 1
    if k < 0 or not t.tokens[k].like_num:
        return None
    value = number(t.text[k])
    return _in_years(value, unit) if value is not None else None


def age_after(t: TokenTable, k: int) -> int | None:
    """'Kayden, 7', 'Lily (7)', 'Kayden who is 7', 'Harvey, age 14 months': the age said just
    after the person word ending before k. Not a number that starts the next person's age
    ('Amber, 7-year-old Finley') or a list of ages ('Grace and Holly, aged 10 and 5')."""
    text, lower, count = t.text, t.lower, len(t.text)
    j = k
    if j + 1 < count and text[j] == ")" and text[j + 1] == ",":
        j += 1  # "Charlotte (Charlie), 9"
    if j < count and text[j] in (",", "("):
        j += 1
        if j + 1 < count and lower[j] in ("she", "he") and lower[j + 1] in ("is", "'s", "’s"):
            j += 1  # "Tia, she's 12, Reece, who's 10"
        born = birth_date_end(t, j)
        if born > j:  # "Mia, date of birth 4 March 2016, aged 10": the age after the date
            j = born + (born < count and text[born] in (",", ")"))
            j += j < count and text[j] in (",", "(")
            k = j
    while j < count and (lower[j] in _LINKS or lower[j] == "has" and j + 1 < count and lower[j + 1] in ("just", "turned")):
        j += 1
    if not (j < count and j - k <= 4 and t.tokens[j].like_num):
        return None
    value = number(text[j])
    unit = _unit(t, j)
    if value is None or value >= 100 or unit in _NOT_AGES or unit in _MONTHS or prefix_age(t, j):
        return None
    after = j + 1
    while after < count and lower[after] in ("months", "month", "weeks", "week", "days", "years", "old", "-"):
        after += 1
    if after + 1 < count and lower[after] in _JOINS and t.tokens[after + 1].like_num:
        return None  # "aged 10 and 5": a list of ages, read by list_ages
    return _in_years(value, unit)


def list_ages(t: TokenTable, name_of: dict[int, str], group_words: set[int]) -> dict[str, int]:
    """Ages said once for a list of names, in turn or shared: 'Sophie and Ella, who are 12
    and 9'; 'the twins, Kai and Kobe, who are 15'; 'Lola and Isla, the twins, who are 5'.
    ``group_words``: the words of plural role phrases ('the twins', 'his sisters'), which a
    list may name itself by."""
    lower, count = t.lower, len(t.lower)
    found: dict[str, int] = {}
    for j in range(1, count - 1):
        if lower[j - 1] not in (",", "(") and j - 1 not in name_of:
            continue
        start = next((s for s in _LIST_STARTS if tuple(lower[j:j + len(s)]) == s), None)
        if start is None:
            continue
        values, k = [], j + len(start)
        while k < count and t.tokens[k].like_num and not prefix_age(t, k):
            values.append(number(t.text[k]))
            k += 2 if k + 1 < count and lower[k + 1] in _JOINS else 1
        if not values or None in values:
            continue
        unit = lower[k] if k < count else ""
        values = [_in_years(v, unit) for v in values]
        listed: list[str] = []
        i = j - 1
        while i >= 0 and (lower[i] in _JOINS or lower[i] == "the" or i in name_of or i in group_words):
            if i in name_of and name_of[i] not in listed:
                listed.insert(0, name_of[i])
            i -= 1
        if len(values) == 1 and lower[j] != "aged":
            values = values * len(listed)  # "who are 15": each of them
        if len(listed) >= 2 and len(values) == len(listed):
            for key, value in zip(listed, values):
                found.setdefault(key, value)
    return found
