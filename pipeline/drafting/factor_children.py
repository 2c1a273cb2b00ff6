"""Whose record a suggested factor goes on, in a note about several children.

- A parent's or another household member's concern (1-6 B/C, 3B/3C) and a concern about
  the family's circumstances (20) belong to every child of the visit: each child lives
  with it; not a child the note says lives elsewhere ("Tyler lives with his dad in Leeds").
- A child's own factor (the A codes, 18B/C and 19B/C) belongs to the child it is about:
  whose problem it is ("Mia looks after Tyler when mum stays in bed": 7A for Mia), or who
  was hurt ("Craig smacked Tyler": 18C for Tyler). When a mention does not say which
  child, the children named in its sentence; when the sentence names none, the only child
  of the visit, else every child (the worker removes it where it does not belong).
- 21 (no factors identified) for the children a "no concerns" statement is about ("there
  are no factors of concern for him"; a statement about nobody in particular: every
  child), and only for those with no other suggested factor (census rule 8869, per child).
"""

from __future__ import annotations

from typing import Protocol

from spacy.tokens import Span

from models.cin_codes import census_rule_problems, family_of
from models.draft import FactorSuggestion
from pipeline.drafting.children import Children
from pipeline.drafting.context import clause_head, has_subject, living_apart
from pipeline.drafting.doc_views import sentence_of
from pipeline.drafting.factor_rules import CompiledFamily
from pipeline.drafting.people import PersonRef
from pipeline.drafting.person_words import REPORTING_HEADS
from pipeline.drafting.sentences import NoteSentence


class Mention(Protocol):
    """What this module reads of a factor mention (factors.py makes them; typed here, not
    imported, so the two modules do not import each other)."""

    sentence: int
    span: Span | None
    about: PersonRef | None
    family: CompiledFamily

_EVERY_CHILD_FAMILIES = {"20"}
_CHILD_LETTER_FAMILIES = {"18", "19"}  # the letter says by whom; the record is the hurt child's


def children_of_factor(code: str, mentions: list[Mention], children: Children,
                       sentences: list[NoteSentence]) -> list[str]:
    everyone = children.everyone
    if not everyone:
        return []
    family = family_of(code)
    letter = code[len(family):]
    if family in _EVERY_CHILD_FAMILIES or letter in ("B", "C") and family not in _CHILD_LETTER_FAMILIES:
        apart = _living_apart(children, sentences)
        return children.names([i for i in everyone if i not in apart] or everyone)
    chosen: list[int] = []
    for mention in mentions:
        for index in _children_of_mention(mention, children, sentences):
            if index not in chosen:
                chosen.append(index)
    return children.names(chosen or everyone)


def _living_apart(children: Children, sentences: list[NoteSentence]) -> set[int]:
    """The children the note says live elsewhere: the household's concerns are not theirs."""
    if not sentences or not sentences[0].span.doc.has_annotation("DEP"):
        return set()
    apart: set[int] = set()
    for sentence in sentences:
        for subject in living_apart(sentence.span):
            # said of the child by name, as what is so ("Tyler lives with his dad"), not a pronoun
            # a parse may bind wrongly, nor a liking ("he likes living with his mum")
            if subject.i in children.people.name_of and subject.head.dep_ not in ("xcomp", "ccomp"):
                apart.update(children.meant_by(subject))
    return apart


def _children_of_mention(mention: Mention, children: Children, sentences: list[NoteSentence]) -> list[int]:
    about = children.of_ref(mention.about)
    sentence = sentences[mention.sentence].span
    named = [i for i in children.mentioned_in(sentence, named_only=True) if not children.children[i].tentative]
    if not about and named and mention.span is not None:
        tellers = _only_telling(sentence, mention.span, children)
        named = [i for i in named if i not in tellers]  # "The middle one said her brother ...": his, not hers
    if len(about) > 1 and named:
        return named  # "Chloe is on their waiting list": 'their' is not every child
    if len(about) == 1 and mention.span is not None:
        return about + [i for i in _joined_with(about[0], mention.span, children) if i not in about]
    if about:
        return about
    if mention.family.rules.owner_is_doer and sentence.doc.has_annotation("DEP"):
        inside = {i for t in mention.span or [] for i in children.meant_by(t)}  # "gets Poppy ready"
        named = [i for i in named if i not in _cared_for(sentence, children) | inside]
        if not named:
            return []  # "I get Poppy ready for school": Poppy is cared for, not the carer
    if len(named) > 1 and mention.span is not None:
        doer = _main_subject(sentence, named, children) if mention.family.rules.owner_is_doer else None
        if doer is not None:
            return [doer]  # a carer: "Charlie told this worker she does most things, like getting Freddie ready"
        return [_nearest(mention.span, named, children, sentence)]  # "...and Riley is hurt by dad's put downs"
    if named:
        return named
    everyone = children.everyone
    return everyone if len(everyone) == 1 else []


def _only_telling(sentence: Span, span: Span, children: Children) -> set[int]:
    """The children a sentence names only as the subject of a verb of saying above the
    factor's words, when the words said have a subject of their own ("The middle one said her
    brother comes in late"): they tell of someone else's factor."""
    if not sentence.doc.has_annotation("DEP"):
        return set()
    tellers: set[int] = set()
    for token in sentence:
        verb = token.head
        if token.dep_ != "nsubj" or verb.lower_ not in REPORTING_HEADS or token.lower_ in children.people.lex.pronouns:
            continue
        said = [c for c in verb.children if c.dep_ == "ccomp" and c.i <= span.start <= c.right_edge.i]
        if said and any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ not in children.people.lex.pronouns
                        for c in said[0].children):
            tellers.update(children.meant_by(token))
    return tellers


def _joined_with(child: int, span: Span, children: Children) -> list[int]:
    """'Bella and the baby were being neglected': the children joined with the one a
    factor is about as the subject of its clause."""
    if not span.doc.has_annotation("DEP"):
        return []
    start, end = statement_part(span)
    for token in span.doc[start:end]:
        if token.dep_ in ("nsubj", "nsubjpass") and children.meant_by(token) == [child]:
            return [i for c in token.conjuncts for i in children.meant_by(c)]
    return []


def _cared_for(sentence: Span, children: Children) -> set[int]:
    """The children a sentence names only as the object of a verb or preposition (the ones
    looked after), never as a subject."""
    objects, subjects = set(), set()
    for token in sentence:
        if token.i not in children.people.name_of:
            continue
        meant = set(children.meant_by(token))
        (subjects if token.dep_ in ("nsubj", "nsubjpass") else
         objects if token.dep_ in ("dobj", "dative", "pobj") else set()).update(meant)
    return objects - subjects


def _main_subject(sentence: Span, named: list[int], children: Children) -> int | None:
    """The one child named as the subject of the sentence's main verb, when the sentence names
    several: for a factor whose owner is its doer (a young carer), the one doing it (the
    others are named as the ones cared for)."""
    if not sentence.doc.has_annotation("DEP"):
        return None
    found = {i for t in sentence if t.dep_ in ("nsubj", "nsubjpass") and t.head.i == sentence.root.i
             for i in children.meant_by(t) if i in named}
    return found.pop() if len(found) == 1 else None


def _nearest(span, named: list[int], children: Children, sentence) -> int:
    """Of the children a sentence names, the one named nearest the factor's words."""
    distance = {i: len(sentence.doc) for i in named}
    for token in sentence:
        for i in children.meant_by(token) if token.i in children.people.name_of else []:
            if i in distance:
                gap = span.start - token.i if token.i < span.start else token.i - span.end
                distance[i] = min(distance[i], gap)
    return min(named, key=lambda i: (distance[i], named.index(i)))


def statement_part(span: Span) -> tuple[int, int]:
    """The part of its sentence a word is in: between semicolons, and with a parse, its clause
    ("...are the main worry; there are no concerns for Kobe or Reece")."""
    sentence = sentence_of(span)
    start = next((t.i + 1 for t in reversed(sentence.doc[sentence.start:span.start]) if t.text == ";"),
                 sentence.start)
    end = next((t.i for t in sentence.doc[span.end:sentence.end] if t.text == ";"), sentence.end)
    if span.doc.has_annotation("DEP"):
        head = clause_head(span.root)
        # a clause joined on with its own subject is another statement ("I have no concerns
        # about Yusuf, but Zayn going missing is a real risk")
        cut = {t.i for c in head.children if c.dep_ == "conj" and has_subject(c) and
               not c.left_edge.i <= span.root.i <= c.right_edge.i for t in c.subtree}
        inside = [t.i for t in head.subtree if start <= t.i < end and t.i not in cut]
        if inside:
            return min(inside), max(inside) + 1
    return start, end


def children_with_no_factors(mentions: list[Mention], others: list[FactorSuggestion],
                             children: Children, sentences: list[NoteSentence]) -> list[str]:
    """The children a 'no concerns' statement holds for (those named in its part of the
    sentence, else every child), less any child with another factor."""
    said_for: list[int] = []
    for mention in mentions:
        span = sentences[mention.sentence].span
        if mention.span is not None:
            start, end = statement_part(mention.span)
            span = span.doc[start:end]
        inside = range(mention.span.start, mention.span.end) if mention.span is not None else range(0)
        named = []  # not the statement's own words ("None for Chloe or Dylan": 'none' is nobody)
        for token, indices in children.mentions(span):
            named += [i for i in indices if token not in inside and i not in named]
        if not named and mention.span is not None and span.doc.has_annotation("DEP"):
            head = clause_head(mention.span.root)
            if head.dep_ == "relcl":  # "the two girls, who are happy and well cared for": the girls
                named = children.mentioned_in(span.doc[head.head.left_edge.i:head.head.i + 1])
        if not named and any(children.in_group(t) for t in span):
            continue  # "no concerns about the two girls" when which two is not known: for nobody
        said_for += [i for i in (named or children.everyone) if i not in said_for]
    with_factors = {name for suggestion in others for name in suggestion.children}
    return [name for name in children.names(said_for) if name not in with_factors]


def census_problems_per_child(suggestions: list[FactorSuggestion]) -> list[str]:
    """The census rules hold for each child's set of factors (for a note with no children
    found, for the note's whole set)."""
    names = {name for s in suggestions for name in s.children}
    if not names:
        return census_rule_problems([s.code for s in suggestions])
    problems = []
    for name in sorted(names):
        problems += [f"{name}: {p}" for p in census_rule_problems([s.code for s in suggestions if name in s.children])]
    unplaced = [s.code for s in suggestions if not s.children]
    problems += census_rule_problems(unplaced) if unplaced else []
    return problems
