"""What a word of a seen / seen alone / bedroom phrase stands for, read off the parse: a
possessor ("I did not see Jayden's": something of Jayden's, not Jayden), the antecedent
of "neither of whom", the group an "of" names ("neither of the twins": the twins), and a
word for several rooms ("neither bedroom")."""

from __future__ import annotations

from spacy.tokens import Token

from pipeline.drafting.children import GROUP_WORDS, Children
from pipeline.drafting.people import People


def named_after_of(token: Token, children: Children, people: People) -> Token | None:
    """'Neither of the twins', 'none of the three younger ones', 'each of the girls': a group
    word whose 'of' names the children itself (not 'of them', which means those just named)."""
    if token.lower_ not in GROUP_WORDS:
        return None
    for prep in token.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for g in prep.children:
                if g.dep_ == "pobj" and g.lower_ not in ("them", "us", "whom", "which") and \
                        (children.in_group(g) or g.i in people.name_of or g.i in people.roles or
                         people.phrase_head.get(g.i) is not None):
                    return g
    return None


def possessor(token: Token) -> bool:
    return any(c.dep_ == "case" for c in token.children) or \
        token.i + 1 < len(token.doc) and token.doc[token.i + 1].lower_ in ("'s", "’s")


def relative_antecedent(token: Token) -> Token | None:
    """'Mia and the baby, neither of whom was seen alone': 'neither of whom' means Mia and the baby."""
    if token.lower_ not in GROUP_WORDS or token.head.dep_ != "relcl":
        return None
    relative = any(g.lower_ in ("whom", "which") for p in token.children if p.dep_ == "prep" for g in p.children)
    return token.head.head if relative else None


def several_rooms(room: Token) -> bool:
    doc = room.doc
    return room.i > 0 and doc[room.i - 1].lower_ in ("neither", "either", "both", "each", "all")
