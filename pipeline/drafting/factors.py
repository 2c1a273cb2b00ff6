"""Suggest CiN census factors from a note, each with the sentences that support it.

1. Every term of every factor family (``pipeline/drafting/data/factors/*.yaml``) is looked for
   sentence by sentence (``factor_terms.py``).
2. A match that is negated, denied, absent, historical, hypothetical, only talked
   about, or an allegation the note says was not substantiated is dropped (``context.py``);
   so is a parent's in a sentence about contact (a parent who lives apart), and hurting
   someone outside the family ("hitting other pupils") as abuse.
3. The letter follows the person (``subjects.py``): whose problem it is (1, 2, 4-7,
   9-15, 24), who is hurt (3, 17) or who hurt the child (18, 19).
4. Weights of the matches combine per code (1 - product of (1 - weight)); codes under
   ``settings.factor_min_confidence`` are not suggested.
5. Each suggestion is put on the record of the children it concerns (``factor_children.py``):
   a parent's or household member's concern on every child's, a child's own on that child's.
6. 21 for a child only when the note says there are no concerns (about them, or at all) and
   nothing else is suggested for that child.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict

from spacy.language import Language
from spacy.tokens import Doc

from models.cin_codes import NO_FACTORS, census_rule_problems, cin_factors
from models.draft import Evidence, FactorSuggestion, Subject
from models.settings import Settings
from pipeline.drafting.children import Children
from pipeline.drafting.context import (allegations_refuted, context_of, hurts_outsider, lives_elsewhere, negex_marks,
                                      said_no_concern, speaks_of_contact)
from pipeline.drafting.factor_children import (census_problems_per_child, children_of_factor, children_with_no_factors,
                                                statement_part)
from pipeline.drafting.factor_hedges import worker_guess
from pipeline.drafting.factor_mentions import (SUBJECT_OF_KIND, UNRESOLVED_FACTOR, Mention, adults_of_unsaid_role,
                                                companion, each_household_adult, resolve_support,
                                                without_yielded)
from pipeline.drafting.factor_people import (doer, fragment_topic, named_inside, only_child_named, outsider_subject,
                                             victim_fits)
from pipeline.drafting.factor_rules import CompiledFamily, code_order, load_factor_rules
from pipeline.drafting.factor_terms import TermMatch, find_terms
from pipeline.drafting.people import People, PersonRef
from pipeline.drafting.doc_views import doc_text, sentence_of
from pipeline.drafting.sentences import NoteSentence
from pipeline.drafting.subjects import adult_meant, owner_of, person_of_phrase, victim_and_perpetrator

logger = logging.getLogger(__name__)

ABUSE_BY_WHOM = {"18", "19"}
HEDGE_FACTOR = 0.9
_HEDGES = re.compile(r"\b(may|might|possibly|possible|query|alleged(ly)?|unclear|reportedly|unconfirmed)\b", re.I)
_REFLEXIVE = {"himself", "herself", "themselves", "myself", "itself"}


def suggest_factors(doc: Doc, sentences: list[NoteSentence], people: People, children: Children,
                    settings: Settings, *, parsed: bool, nlp: Language) -> list[FactorSuggestion]:
    families = load_factor_rules()
    text = doc_text(doc)
    matches = find_terms(doc, sentences, families, parsed=parsed)
    negated = negex_marks(nlp, doc, [m.span for m in matches], parsed=parsed)
    mentions: list[Mention] = []
    refuted = allegations_refuted(text)
    no_concern: set[tuple[str, str]] = set()  # (family, person) the note says is no concern
    for match in matches:
        context = context_of(match.span, parsed=parsed, negex_negated=(match.span.start, match.span.end) in negated,
                             refuted=refuted)
        is_no_factors = match.family.rules.family == NO_FACTORS
        if not is_no_factors and context.reason == "negated" and said_no_concern(sentences[match.sentence].text):
            cleared = _mention(match, people, parsed, text, sentences[match.sentence].text)
            if cleared is not None and cleared.about is not None:  # "Lucy's deafness is not a concern"
                no_concern.add((match.family.rules.family, cleared.about.key))
        if not context.current and not (is_no_factors and context.reason == "negated"):
            continue  # "no concerns" is itself a negation: that is what 21 looks for
        if worker_guess(match.span):
            continue  # "I think she may have been drinking": a guess is not said
        mention = _mention(match, people, parsed, text, sentences[match.sentence].text)
        if mention is not None:
            mentions += each_household_adult(mention, people)
            mentions += companion(mention, people) if parsed else []
    mentions = [m for m in mentions if m.about is None or (m.family.rules.family, m.about.key) not in no_concern]
    mentions = adults_of_unsaid_role(without_yielded(resolve_support(mentions)), children)
    by_code = {code: ms for code, ms in _combine(mentions).items()
               if _confidence(ms) >= settings.factor_min_confidence}
    by_code = _general_statements_only(by_code, matches)
    suggestions = [_suggestion(code, ms, _confidence(ms), sentences) for code, ms in by_code.items()
                   if code != NO_FACTORS]
    for suggestion in suggestions:
        suggestion.children = children_of_factor(suggestion.code, by_code[suggestion.code], children, sentences)
    if NO_FACTORS in by_code:
        no_factors = _suggestion(NO_FACTORS, by_code[NO_FACTORS], _confidence(by_code[NO_FACTORS]), sentences)
        no_factors.children = children_with_no_factors(by_code[NO_FACTORS], suggestions, children, sentences)
        if no_factors.children or not len(children) and not suggestions:
            suggestions.append(no_factors)
    problems = census_problems_per_child(suggestions)
    if problems:  # the rules above make this impossible; never hand a worker an invalid set
        logger.error("factor suggestions broke census rules: %s", "; ".join(problems))
        suggestions = [s for s in suggestions if s.code != NO_FACTORS]
    return sorted(suggestions, key=lambda s: (-s.confidence, code_order(s.code)))


def _mention(match: TermMatch, people: People, parsed: bool, text: str, sentence: str) -> Mention | None:
    rules = match.family.rules
    weight = match.term.weight
    if _HEDGES.search(sentence):
        weight *= HEDGE_FACTOR
    base = dict(family=match.family, sentence=match.sentence, term=match.term.index, span=match.span)
    if match.term.support:
        return Mention(code=None, weight=weight, subject=Subject.none, support=True, **base)
    if rules.letter_by == "none":
        code = rules.codes["any"]
        if code in ("20", NO_FACTORS):
            return Mention(code=code, weight=weight, subject=Subject.none, **base)
        # the letter is always A; whose record it goes on: the child hurt, else the one it is about
        victim = victim_and_perpetrator(match.span, people, parsed=parsed)[0]
        if (victim is None or not victim.likely_child) and parsed:
            victim = person_of_phrase(match.span, people)  # "the neglect of all four children"
        about = victim if victim is not None and victim.likely_child else owner_of(match.span, people, parsed=parsed)
        return Mention(code=code, weight=weight, subject=Subject.child, **base | {"about": about})
    if rules.letter_by == "subtype":
        return Mention(code=_subtype(match.family, text), weight=weight, subject=Subject.child, **base)
    if rules.letter_by == "owner":
        if parsed and set(rules.codes) != {"child"} and outsider_subject(match.span, people):
            return None  # "Kacey's friend Ellie self-harms": the friend's, not a record's here
        inside = named_inside(match.span, people, parsed=parsed) if match.term.owner_inside else []
        owner = next((r for r in inside if r is not None and r.kind not in ("worker", "professional")), None)
        if owner is None and rules.owner_is_doer:
            owner = doer(match.span, people, rules.codes, parsed=parsed)
            cared_for = [people.ref(t) for t in match.span if t.dep_ in ("dobj", "pobj", "dative")]
            if owner is not None and any(r is not None and r.key == owner.key for r in cared_for):
                return None  # "... sits with him": the one cared for is not the carer (a misparse)
        owner = owner or owner_of(match.span, people, parsed=parsed)
        if owner is None and parsed and match.span.root.dep_ == "compound":
            start, end = statement_part(match.span)  # not a child named in a clause of its own
            owner = only_child_named(match.span.doc[start:end], people)  # "the diabetes nurse said Freddie ..."
        owner = owner or (fragment_topic(sentence_of(match.span), people) if parsed else None)
        if owner is not None and owner.is_child and rules.child_from_age is not None and parsed and \
                owner.age is not None and owner.age < rules.child_from_age:
            owner = adult_meant(match.span, owner, people)
            if owner is None:
                return None  # a young child's drinking is not what was said: whose it is, is not known
        if owner is not None and owner.kind in ("parent_carer", "household_member") and parsed and \
                lives_elsewhere(sentence_of(match.span), owner.key, people.ref):
            return None  # "the children's dad lives in Cardiff and drinks": not the household's
        if (owner is None or owner.kind in ("parent_carer", "unknown")) and speaks_of_contact(sentence_of(match.span)):
            return None  # "their mum rang drunk ... she can only speak to them at contact": she lives apart
        if owner is not None and not owner.likely_child and set(rules.codes) == {"child"} and not rules.owner_is_doer:
            # only a child can have it: "older men online who ask her for pictures" is hers
            owner = next((r for t in match.span for r in [people.ref(t)] + people.alternatives(t)
                          if r is not None and r.is_child), owner)
        return _by_person(owner, rules.codes, weight, base | {"about": owner})
    victim, perpetrator = victim_and_perpetrator(match.span, people, parsed=parsed)
    if parsed and hurts_outsider(match.span):
        return None  # "excluded for hitting other pupils": what the child did, not abuse of a child here
    base["about"] = victim
    if any(t.lower_ in _REFLEXIVE for t in match.span.root.children) or \
            (victim is not None and perpetrator is not None and victim.key == perpetrator.key):
        return None  # "hurting himself" is self-harm, not abuse; or we cannot tell who is who
    if not victim_fits(match.term.victim, victim, perpetrator):
        return None
    if rules.letter_by == "victim":
        if match.term.victim == "child_by_partner":
            return Mention(code=rules.codes["child"], weight=weight, subject=Subject.child, **base)
        return _by_person(victim, rules.codes, weight, base)
    # perpetrator: the child is hurt; the letter says by whom
    return _by_person(perpetrator, rules.codes, weight, base, perpetrator=True)



def _letter_kind(ref: PersonRef, *, perpetrator: bool = False) -> str:
    if ref.is_child:
        return "child" if ref.kind != "another_child" or perpetrator else "another_child"
    return ref.kind


def _by_person(ref: PersonRef | None, codes: dict[str, str], weight: float, base: dict, *,
               perpetrator: bool = False) -> Mention | None:
    if ref is None or ref.kind == "unknown":
        return Mention(code=None, weight=weight, subject=Subject.none, **base)
    kind = _letter_kind(ref, perpetrator=perpetrator)
    code = codes.get(kind)
    if code is None:
        return None  # e.g. an adult "going missing" or a friend's drinking: not this child's factor
    return Mention(code=code, weight=weight, subject=SUBJECT_OF_KIND.get(kind, Subject.none), **base)


def _subtype(family: CompiledFamily, text: str) -> str:
    present = {name for name, pattern in family.subtype_cues.items() if pattern.search(text)}
    for subtype in family.rules.subtypes:
        if set(subtype.all) <= present:
            return subtype.code
    return family.rules.subtypes[-1].code


def _combine(mentions: list[Mention]) -> dict[str, list[Mention]]:
    """Group by code; a mention whose letter is unknown joins its family's best-supported
    code, or the family's default letter when the note gives no other."""
    by_code: dict[str, list[Mention]] = defaultdict(list)
    pending: dict[str, list[Mention]] = defaultdict(list)
    for mention in mentions:
        if mention.code is None:
            pending[mention.family.rules.family].append(mention)
        else:
            by_code[mention.code].append(mention)
    for family_id, waiting in pending.items():
        family = waiting[0].family
        own = [code for code in by_code if any(m.family is family for m in by_code[code])]
        if own:
            target = max(own, key=lambda c: _confidence(by_code[c]))
        elif family.rules.unresolved is not None:
            target = family.rules.codes.get(family.rules.unresolved)
            if target is None:
                continue
        else:
            continue
        for mention in waiting:
            resolved = next((m for m in by_code[target] if m.sentence == mention.sentence and m.about is not None), None)
            if mention.about is None and resolved is not None:
                mention.about = resolved.about  # "Noah hit him ... and he showed me a bruise": Leo's bruise
            mention.code, mention.weight = target, mention.weight * UNRESOLVED_FACTOR
            mention.subject = SUBJECT_OF_KIND.get(family.rules.unresolved or "", mention.subject) \
                if not own else mention.subject
            by_code[target].append(mention)
    return dict(by_code)


def _general_statements_only(by_code: dict[str, list[Mention]], matches: list[TermMatch]) -> dict[str, list[Mention]]:
    """21 needs a general 'no concerns' statement, not one in the same part of a sentence as
    a named factor ('no concerns about alcohol'); another part may hold one ("Kai's missing
    episodes are the worry; there are no concerns for Kobe or Reece"). Which children it
    holds for, and that it never stands beside another factor of the same child, is
    ``factor_children``'s to decide."""
    statements = by_code.get(NO_FACTORS)
    if not statements:
        return by_code
    factor_parts = {statement_part(m.span) for m in matches if m.family.rules.family != NO_FACTORS}
    general = [m for m in statements if m.span is None or statement_part(m.span) not in factor_parts]
    result = {code: ms for code, ms in by_code.items() if code != NO_FACTORS}
    if general:
        result[NO_FACTORS] = general
    return result


def _confidence(mentions: list[Mention]) -> float:
    best: dict[tuple[int, int], float] = {}
    for m in mentions:  # the same term twice in one sentence is one piece of evidence
        key = (m.sentence, m.term)
        best[key] = max(best.get(key, 0.0), m.weight)
    remaining = 1.0
    for weight in best.values():
        remaining *= 1.0 - weight
    return round(min(0.99, 1.0 - remaining), 2)


def _suggestion(code: str, mentions: list[Mention], confidence: float,
                sentences: list[NoteSentence]) -> FactorSuggestion:
    subjects = [m.subject for m in mentions if m.subject is not Subject.none] or [m.subject for m in mentions]
    subject = max(set(subjects), key=subjects.count)
    by = None
    if code[:-1] in ABUSE_BY_WHOM:  # the letter says by whom: B another child, C an adult
        subject, by = Subject.child, (Subject.another_child if code.endswith("B") else Subject.adult)
    strength: dict[int, float] = {}
    for m in mentions:
        strength[m.sentence] = max(strength.get(m.sentence, 0.0), m.weight)
    evidence = []
    for index in sorted(strength, key=lambda i: (-strength[i], i)):  # the clearest sentence first
        s = sentences[index].model
        evidence.append(Evidence(text=s.text, start_char=s.start_char, end_char=s.end_char,
                                 start_s=s.start_s, end_s=s.end_s))
    return FactorSuggestion(code=code, label=cin_factors()[code].label, confidence=confidence,
                            subject=subject, evidence=evidence, by=by)
