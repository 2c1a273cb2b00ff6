"""Group phrases: words for several children of the visit at once ("the two girls", "both
boys", "the twins", "the older two", "the eldest", "the little ones", "all three", "none of
them", "nobody"), found once per note on the token table. Which children a phrase means
is decided by ``Children`` from what the note says of them (gender, age, how many);
the words live in ``data/groups.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from spacy.tokens import Doc

from pipeline.drafting.doc_views import TokenTable, token_table
from pipeline.drafting.person_words import number

_DATA = Path(__file__).parent / "data" / "groups.yaml"
_CLAUSE_ENDS = {".", ",", ";", ":", "and", "but"}
_POSSESSIVES = ("her", "his", "their")
_OF_GROUP = (("of", "them"), ("of", "the", "children"), ("of", "the", "kids"), ("of", "us"))


@dataclass(frozen=True)
class GroupPhrase:
    start: int
    end: int
    gender: str | None = None  # f, m: "the girls"
    order: str | None = None  # old, young, middle: "the older two", "the little ones", "the middle one"
    count: int | None = None  # "the two girls", "all three", "both"
    singular: bool = False  # "the eldest", "the younger boy"
    twins: bool = False
    recent: bool = False  # "both of them", "nobody": the children spoken of just before


@dataclass(frozen=True)
class GroupWords:
    plural: dict[tuple[str, ...], str | None]
    singular: dict[str, str | None]
    order: dict[str, str]
    determiners: dict[tuple[str, ...], int]  # words -> length
    everyone: set[tuple[str, ...]]
    household: frozenset[str]  # the subject of a room the whole household has ("the family")
    first_words: frozenset[str]  # a group phrase can start only with one of these (or a number)


@lru_cache
def group_words() -> GroupWords:
    data = yaml.safe_load(_DATA.read_text(encoding="utf-8"))
    for key in ("plural_nouns", "singular_nouns", "order_words"):
        if not isinstance(data.get(key), dict) or not all(isinstance(k, str) for k in data[key]):
            raise ValueError(f"{_DATA.name}: {key} must map words to a value")
    if any(v not in ("old", "young", "middle") for v in data["order_words"].values()):
        raise ValueError(f"{_DATA.name}: order_words are old, young or middle")
    for key in ("determiners", "everyone_words", "household_words"):
        if not all(isinstance(w, str) for w in data[key]):
            raise ValueError(f"{_DATA.name}: {key} holds a non-word (quote yes/no in YAML)")
    plural = {tuple(k.split()): v for k, v in data["plural_nouns"].items()}
    determiners = {tuple(w.split()): len(w.split()) for w in data["determiners"]}
    everyone = {tuple(w.split()) for w in data["everyone_words"]}
    first = {w[0] for w in list(plural) + list(determiners) + list(everyone)} | set(data["order_words"]) \
        | set(_POSSESSIVES)
    return GroupWords(plural=plural, singular=dict(data["singular_nouns"]), order=dict(data["order_words"]),
                      determiners=determiners, everyone=everyone,
                      household=frozenset(w.lower() for w in data["household_words"]), first_words=frozenset(first))


def group_at(doc: Doc) -> dict[int, GroupPhrase]:
    """Every word of a group phrase of the note -> the phrase (found once per note)."""
    found = doc.user_data.get("casenote_groups")
    if found is None:
        found = doc.user_data["casenote_groups"] = {i: g for g in find_groups(token_table(doc))
                                                    for i in range(g.start, g.end)}
    return found


def find_groups(t: TokenTable) -> list[GroupPhrase]:
    """Every group phrase of a note, left to right, none overlapping."""
    words = group_words()
    lower = t.lower
    found: list[GroupPhrase] = []
    i = 0
    while i < len(lower):
        if lower[i] not in words.first_words and not t.tokens[i].like_num:
            i += 1  # most words of a note start no group phrase
            continue
        phrase = _everyone_at(lower, i, words) or _phrase_at(lower, i, words)
        if phrase is None:
            i += 1
            continue
        found.append(phrase)
        i = phrase.end
    return found


def _everyone_at(lower: list[str], i: int, words: GroupWords) -> GroupPhrase | None:
    for size in (3, 2, 1):
        if tuple(lower[i:i + size]) in words.everyone:
            return GroupPhrase(start=i, end=i + size, recent=True)
    return None


def _phrase_at(lower: list[str], i: int, words: GroupWords) -> GroupPhrase | None:
    if lower[i] in _POSSESSIVES:
        return _one_of_theirs(lower, i, words)
    j, determiner = i, None
    for size in (2, 1):
        if tuple(lower[i:i + size]) in words.determiners:
            determiner, j = " ".join(lower[i:i + size]), i + size
            break
    order = count = None
    for _ in range(2):  # "the older two", "the two older girls"
        if j < len(lower) and lower[j] in words.order and order is None:
            order, j = words.order[lower[j]], j + 1
        elif j < len(lower) and count is None and _count(lower[j]) is not None:
            count, j = _count(lower[j]), j + 1
    if determiner == "both":
        count = count or 2
    for size in (2, 1):
        noun = tuple(lower[j:j + size])
        if len(noun) == size and noun in words.plural:
            end = j + size
            recent, end = _of_group(lower, end)
            if determiner is None and order is None and count is None:
                return None  # a bare "children": the role words say who
            return GroupPhrase(start=i, end=end, gender=words.plural[noun], order=order, count=count,
                               twins=noun == ("twins",), recent=recent or determiner in ("both", "each", "neither"))
    if j < len(lower) and lower[j] in ("child", "one") and determiner in ("neither", "each", "either") \
            and order is None:
        return GroupPhrase(start=i, end=j + 1, recent=True)  # "neither child", "each one"
    if j < len(lower) and lower[j] in words.singular and order is not None and determiner is not None:
        return GroupPhrase(start=i, end=j + 1, gender=words.singular[lower[j]], order=order, count=1, singular=True)
    if determiner is None or j == i + len(determiner.split()):
        if determiner in ("both", "each", "neither", "none", "all", "either") and _of_group(lower, j)[0]:
            return GroupPhrase(start=i, end=_of_group(lower, j)[1], count=count, recent=True)  # "both of them"
        if determiner in ("both", "all") and (j >= len(lower) or lower[j] in _CLAUSE_ENDS):
            return GroupPhrase(start=i, end=j, count=count, recent=True)  # "Bedroom seen: yes for both."
        return None
    if order is None and count is None:
        return None
    recent, end = _of_group(lower, j)
    if order is not None and count is None and lower[j - 1] in ("eldest", "oldest", "youngest", "littlest"):
        return GroupPhrase(start=i, end=end, order=order, count=1, singular=True)  # "the eldest"
    if count is None:
        return None  # "the older" alone says nothing
    return GroupPhrase(start=i, end=end, order=order, count=count, recent=recent)


def _one_of_theirs(lower: list[str], i: int, words: GroupWords) -> GroupPhrase | None:
    """'her eldest son', 'her daughter', 'his youngest': one child, told by gender and age."""
    j = i + 1
    order = words.order.get(lower[j]) if j < len(lower) else None
    if order is not None:
        j += 1
    noun = lower[j] if j < len(lower) else None
    gender = words.singular.get(noun) if noun in words.singular and noun not in ("one", "child") else None
    if gender is None:
        if order is not None and noun == "one":
            return GroupPhrase(start=i, end=j + 1, order=order, count=1, singular=True)  # "her middle one"
        if order is not None and lower[j - 1] in ("eldest", "oldest", "youngest") and (noun is None or noun in _CLAUSE_ENDS):
            return GroupPhrase(start=i, end=j, order=order, count=1, singular=True)  # "after his eldest, Jessica"
        return None
    if noun in ("sister", "brother") and order is None:
        return None  # "her brother": a sibling of the one named before (the role words say who)
    return GroupPhrase(start=i, end=j + 1, gender=gender, order=order, count=1, singular=True)


def _count(word: str) -> int | None:
    value = number(word)
    return value if value is not None and 2 <= value <= 12 else None


def _of_group(lower: list[str], j: int) -> tuple[bool, int]:
    for words in _OF_GROUP:
        if tuple(lower[j:j + len(words)]) == words:
            return True, j + len(words)
    return False, j
