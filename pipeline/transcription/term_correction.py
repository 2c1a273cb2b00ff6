"""Spell the case's names and the social-care glossary right without prompting the
recogniser with them (the prompt made Whisper drop whole passages).

After recognition, runs of one to three words that sound like a term and are spelled
close to it are replaced by the term: "Caden" -> "Kayden", "Cams" -> "CAMHS",
"Okafer" -> "Okafor". A correction keeps what was heard on its word (``heard``), so
the review screen can show it and nothing changes silently. Glossary terms are only
put in where Whisper was unsure of the words, because several of them sound like
common words ("mash", "lad"); a name the worker gave for this recording is put in
where Whisper was not sure of it either, or where Whisper wrote a name of its own that
sounds the same and is spelled nearly the same ("Kaden" for the Kayden the worker named:
one child must not become two children in the draft)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import jellyfish
from rapidfuzz import fuzz

from pipeline.transcription.recognition import Piece, TimedWord

_LETTERS = re.compile(r"[^a-z0-9]")
_POSSESSIVE = re.compile(r"(['’]s)$", re.IGNORECASE)
_MAX_WINDOW = 3  # words of a misheard term ("N -E -H -C -P" aside, terms are heard as 1-3 words)
_DIGITS = re.compile(r"[0-9]+")
# Titles in a name ("Mr Okafor") are not names: "Mary" is not a misheard "Mr".
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof"})


@dataclass(frozen=True)
class CorrectionRules:
    # A word must sound like the term (same Metaphone key) and share this much of its
    # spelling (rapidfuzz ratio, 0-100): a name ("Caden" -> Kayden) ...
    min_ratio_sounding_alike: float = 60.0
    # ... a glossary term, several of which sound like common words ("lead" ~ LADO) ...
    min_ratio_sounding_alike_glossary: float = 80.0
    # ... or, sounding different to Metaphone, be spelled this close ("Cams" -> CAMHS).
    min_ratio_spelled_alike: float = 85.0
    # Only where Whisper was less sure than this of every word replaced.
    max_probability_glossary: float = 0.75
    max_probability_name: float = 0.9
    # However sure Whisper was: a capitalised word that sounds like a given name and is
    # spelled this close is that name spelled another way ("Kaden" -> Kayden: 91), not a
    # common word at a sentence's start ("Well" ~ Will: 75).
    min_ratio_confident_name: float = 85.0
    min_letters: int = 3  # shorter words ("me", "he") are left alone


@dataclass(frozen=True)
class Term:
    text: str  # as it should be written: "CAMHS", "Kayden"
    key: str  # letters and digits only, lower case
    sound: str  # Metaphone key
    is_name: bool


def _key(text: str) -> str:
    return _LETTERS.sub("", text.lower())


def make_terms(names: list[str], glossary: list[str]) -> list[Term]:
    """Each name word on its own ("Kayden Price" -> Kayden, Price) and each glossary term."""
    terms: dict[str, Term] = {}
    for name in names:
        for part in name.split():
            if len(_key(part)) >= 3 and _key(part) not in _TITLES:
                terms.setdefault(_key(part), Term(part, _key(part), jellyfish.metaphone(_key(part)), True))
    for entry in glossary:
        key = _key(entry)
        if key and key not in terms:
            terms[key] = Term(entry, key, jellyfish.metaphone(key), False)
    return list(terms.values())


def correct_terms(pieces: list[Piece], terms: list[Term], rules: CorrectionRules = CorrectionRules()) -> list[Piece]:
    if not terms:
        return pieces
    return [replace(piece, words=_correct_words(piece.words, terms, rules)) if piece.words else piece
            for piece in pieces]


def _correct_words(words: list[TimedWord], terms: list[Term], rules: CorrectionRules) -> list[TimedWord]:
    out: list[TimedWord] = []
    keep = _exact_terms(words, terms)
    i = 0
    while i < len(words):
        match = None if i in keep else _best_match(words, i, terms, keep, rules)
        if match is None:
            out.append(words[i])
            i += 1
            continue
        size, term = match
        out.append(_replaced(words[i:i + size], term))
        i += size
    return out


def _exact_terms(words: list[TimedWord], terms: list[Term]) -> set[int]:
    """Positions of words that already spell a term, alone or with their neighbours
    ("designated safeguarding lead"): they are right, and no part of them is changed."""
    keys = {term.key for term in terms}
    exact: set[int] = set()
    for size in range(1, _MAX_WINDOW + 2):
        for i in range(len(words) - size + 1):
            if _key(_POSSESSIVE.sub("", "".join(w.text for w in words[i:i + size]).strip().rstrip(".,?!;:"))) in keys:
                exact.update(range(i, i + size))
    return exact


def _best_match(words: list[TimedWord], i: int, terms: list[Term], keep: set[int],
                rules: CorrectionRules) -> tuple[int, Term] | None:
    best: tuple[float, int, Term] | None = None
    for size in range(1, min(_MAX_WINDOW, len(words) - i) + 1):
        if any(i + k in keep for k in range(size)):
            break
        window = words[i:i + size]
        heard = _POSSESSIVE.sub("", "".join(w.text for w in window).strip().rstrip(".,?!;:"))
        key = _key(heard)
        if len(key) < rules.min_letters:
            continue
        unsure = max(w.probability for w in window)
        sound = jellyfish.metaphone(key)
        capitalised = heard[:1].isupper()
        for term in terms:
            if unsure >= (rules.max_probability_name if term.is_name else rules.max_probability_glossary):
                if not (term.is_name and size == 1 and capitalised and sound == term.sound
                        and fuzz.ratio(key, term.key) >= rules.min_ratio_confident_name):
                    continue
            if _DIGITS.findall(key) != _DIGITS.findall(term.key):  # "section" is not "section 47"
                continue
            if abs(len(key) - len(term.key)) > 1 + len(term.key) // 6:  # "far" is not a short "Farah"
                continue
            ratio = fuzz.ratio(key, term.key)
            sounding = rules.min_ratio_sounding_alike if term.is_name else rules.min_ratio_sounding_alike_glossary
            # Several words for a one-word term only when they sound like it ("Leigh Ann").
            spelled = size == 1 or " " in term.text
            if (sound == term.sound and ratio >= sounding) or (spelled and ratio >= rules.min_ratio_spelled_alike):
                if best is None or ratio > best[0]:
                    best = (ratio, size, term)
    return (best[1], best[2]) if best else None


def _replaced(window: list[TimedWord], term: Term) -> TimedWord:
    """The term in place of ``window``: its leading space, possessive and trailing
    punctuation kept, its times spanning the window, what was heard kept."""
    heard = "".join(w.text for w in window)
    lead = heard[:len(heard) - len(heard.lstrip())]
    core = heard.strip()
    trail = core[len(core.rstrip(".,?!;:")):]
    possessive = _POSSESSIVE.search(core.rstrip(".,?!;:"))
    text = lead + term.text + (possessive.group(1) if possessive else "") + trail
    return TimedWord(text=text, start=window[0].start, end=window[-1].end,
                     probability=min(w.probability for w in window), heard=heard.strip())
