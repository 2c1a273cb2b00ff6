"""What the clause of a seen / seen alone / bedroom phrase says beyond its words: whether it
is negated, and whether the child was seen with an adult.

Negation is read on the parse, for every way dictation says it: a negated verb ("I was not
shown either bedroom", "did not want to be seen alone"), a negative subject ("Neither Lily
nor Jack was seen alone", "None of the children was seen alone", "no-one was seen alone",
"nobody", "no bedrooms were seen"), "nor" ("nor was either bedroom seen") and a refusing verb above ("refused to be
seen alone"). Without a parse, the words of the phrase's part of the sentence stand in."""

from __future__ import annotations

from spacy.tokens import Span, Token

from pipeline.drafting.people import People

NEGATIVE_WORDS = {"neither", "none", "nobody", "noone", "nor"}
_NEGATIVE_WORDS_UNPARSED = NEGATIVE_WORDS | {"not", "n't", "never"}
_REFUSING = {"refused", "refuses", "refusing", "declined", "declines", "unable", "reluctant"}
_CLAUSE_STOPS = {",", ";", "but", "and", "so", "because", "as", "while", "whilst", "although"}
_ADULT_KINDS = {"parent_carer", "household_member", "adult"}
# "I tried to see Harvey on his own", "wanted to speak to her alone": an attempt or a wish,
# which does not say that it happened
_ATTEMPTING = {"tried", "try", "tries", "trying", "attempted", "attempt", "attempts", "attempting", "wanted", "want",
               "wants", "wanting", "hoped", "hope", "hoping", "asked", "asking", "offered", "offering", "planned",
               "intended", "meant", "aimed"}


def negated(verb: Token, span: Span, *, parsed: bool) -> bool:
    """Is the seeing verb of a visit phrase negated?"""
    if not parsed:
        return any(w in _NEGATIVE_WORDS_UNPARSED or w == "no" and _one_after(t) for t, w in _clause_before(verb, span))
    current = verb
    for _ in range(4):
        for child in current.children:
            if child.dep_ == "neg":
                return True
            if child.dep_ in ("nsubj", "nsubjpass") and _negative_subject(child):
                return True
        shares_aux = current.dep_ == "conj" and current.tag_ == "VBN" and \
            not any(c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass") for c in current.children)
        if current.dep_ != "xcomp" and not shares_aux or current.head.i == current.i:
            break
        current = current.head  # "did not want to be seen alone", "was not seen or spoken to alone"
        if current.lower_ in _REFUSING:
            return True
    return any(w == "nor" for _, w in _clause_before(verb, span))


def attempted(verb: Token, *, parsed: bool) -> bool:
    """'I tried to see Harvey on his own', 'I asked to see her room', 'wanted to speak to
    Kai alone': the seeing is only tried, asked for or wished (the worker's, or anyone's)."""
    if parsed:
        return verb.dep_ == "xcomp" and verb.head.lower_ in _ATTEMPTING
    doc = verb.doc
    before = [doc[j].lower_ for j in range(max(0, verb.i - 3), verb.i)]
    return "to" in before[-2:] and any(w in _ATTEMPTING for w in before[:-1])


def _negative_subject(subject: Token) -> bool:
    """'Neither child', 'none of them', 'no-one', and 'no' before the subject itself ('no
    bedrooms were seen', 'no child was seen alone')."""
    words = subject.doc[subject.left_edge.i:subject.i + 1]
    return any(t.lower_ in NEGATIVE_WORDS or t.lower_ == "no" and (_one_after(t) or t.head.i == subject.i)
               for t in words)


def _one_after(token: Token) -> bool:
    """'no one', 'no-one'."""
    doc = token.doc
    nxt = [doc[j].lower_ for j in range(token.i + 1, min(len(doc), token.i + 3))]
    return nxt[:1] == ["one"] or nxt == ["-", "one"]


def _clause_before(verb: Token, span: Span) -> list[tuple[Token, str]]:
    """The words from the start of the verb's part of the sentence up to the verb."""
    found = []
    for i in range(verb.i - 1, span.start - 1, -1):
        token = span.doc[i]
        if token.lower_ in _CLAUSE_STOPS:
            break
        found.append((token, token.lower_))
    return found


def seen_with_adult(arguments: list[Token], verb: Token, people: People) -> list[Token]:
    """The arguments seen together with an adult or another child ('Tyler was seen with his
    dad', 'I saw Chloe on her own and Ellie with mum', 'Sagal was seen with Hodan', 'I spoke
    to him in the kitchen with his dad there'): not seen alone."""
    found = []
    # "I spoke to him in the living room with his mum there": 'with' on the place the verb names
    places = [g for p in verb.children if p.dep_ == "prep" and p.lower_ != "with" for g in p.children
              if g.dep_ == "pobj"]
    for argument in arguments + [c for a in arguments for c in a.conjuncts if c not in arguments]:
        for holder in [argument, verb] + places:
            if any(_adult(g, people) or _someone_else(g, argument, people) for p in holder.children
                   if p.dep_ == "prep" and p.lower_ == "with" for g in p.children if g.dep_ == "pobj"):
                found.append(argument)
                break
    return found


def _adult(token: Token, people: People) -> bool:
    for word in [token] + list(token.conjuncts):
        ref = people.ref(word)
        if ref is not None and (ref.kind in _ADULT_KINDS and not ref.is_child):
            return True
    return False


def _someone_else(token: Token, argument: Token, people: People) -> bool:
    """A person other than the one seen, named or by a word for them ("with her sister",
    "with his brother Leo"), not the worker."""
    ref = people.ref(token)
    said = token.i in people.name_of or token.i in people.roles or people.phrase_head.get(token.i) is not None
    return said and token.lower_ not in people.lex.pronouns and ref is not None and \
        ref.kind not in ("worker", "professional") and people.ref(argument) != ref
