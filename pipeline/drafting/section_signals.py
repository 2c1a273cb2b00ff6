"""What a sentence's structure says about its section, beyond who speaks (``speakers.py``)
and the template's cue phrases: read from spaCy's parse with the word classes of
``data/speech.yaml`` (``section_signals``).

- a child telling the worker without speech (signing, pointing, a tablet, a picture card):
  the child's voice;
- a person arriving or leaving during the visit, the worker arriving to someone named, the
  worker with a child on their own, where a person was ("asleep in her cot"), or the worker's
  "I think" around any of these: who was present and seen;
- a room described (a clause on the room with what it is or has): an observation;
- a record or a result as the subject of what it says: information from others;
- who is whose in the family ("Hannah is mum to Leo", "Josh isn't the twins' dad"): who
  was present;
- the worker's own judgement ("the worry is ...", and the hedges of ``section_hedges.py``)
  and a plan said without "will" ("SW to discuss ..."): analysis and actions;
- a statutory question dictated as a fragment ("Alone?", "Concerns?"): the section it asks
  about, for it and its answer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from spacy.tokens import Span, Token

from pipeline.drafting.people import People, PersonRef

_SPEECH = Path(__file__).parent / "data" / "speech.yaml"
SUBJECTS = ("nsubj", "nsubjpass")
BEING = frozenset({"is", "are", "was", "were", "'s", "remains", "remain"})
_CLOCK = re.compile(r"\d{1,2}[:.]\d{2}(?:am|pm)?|\d{1,2}(?:am|pm)", re.I)  # "22:30", "5.40pm", "6pm"


@dataclass(frozen=True)
class SignalWords:
    expressing_verbs: frozenset[str]
    aid_verbs: frozenset[str]
    communication_aids: frozenset[str]
    not_messages: frozenset[str]
    arriving_verbs: frozenset[str]
    arriving_particles: frozenset[str]
    worker_arriving_verbs: frozenset[str]
    visit_time_words: frozenset[str]
    presence_words: frozenset[str]
    away_places: frozenset[str]
    being_with_verbs: frozenset[str]
    alone_words: frozenset[str]
    own_words: frozenset[str]
    room_words: frozenset[str]
    describing_verbs: frozenset[str]
    documents: frozenset[str]
    document_verbs: frozenset[str]
    result_states: frozenset[str]
    judging_verbs: frozenset[str]
    unsure_words: frozenset[str]
    seeming_verbs: frozenset[str]
    relation_preps: frozenset[str]
    judgement_nouns: frozenset[str]
    contact_verbs: frozenset[str]


@lru_cache(maxsize=1)
def signal_words() -> SignalWords:
    data = yaml.safe_load(_SPEECH.read_text(encoding="utf-8"))
    section = data.get("section_signals") if isinstance(data, dict) else None
    if not isinstance(section, dict):
        raise ValueError(f"{_SPEECH.name}: section_signals must be a mapping of word lists")
    words = {}
    for name in SignalWords.__dataclass_fields__:
        value = section.get(name)
        if not value or not all(isinstance(w, str) and re.fullmatch(r"[a-z'\-]+", w) for w in value):
            raise ValueError(f"{_SPEECH.name}: section_signals.{name} must be a list of lower-case words")
        words[name] = frozenset(value)
    unknown = set(section) - set(words)
    if unknown:
        raise ValueError(f"{_SPEECH.name}: unknown section_signals {sorted(unknown)}")
    return SignalWords(**words)


def subject_of(verb: Token) -> Token | None:
    subject = next((c for c in verb.children if c.dep_ in SUBJECTS), None)
    if subject is None and verb.dep_ in ("conj", "xcomp") and verb.head.i != verb.i:
        return subject_of(verb.head)
    if subject is None and verb.i > verb.sent.start and verb.doc[verb.i - 1].head.i == verb.i and \
            verb.doc[verb.i - 1].tag_ in ("RB", "NNP", "NN"):
        return verb.doc[verb.i - 1]  # "Olly handed me ...": a name the parser took for an adverb
    return subject


def _main_clause(verb: Token, span: Span, *, first_ccomp: bool = False) -> bool:
    """Not inside a relative or adverbial clause, nor in someone's reported words.
    ``first_ccomp``: a clause the parser hung below a later verb counts as main ('Jade came
    back before I left, so I did see her'; whose words it is, when it is, ``speakers.py`` tells)."""
    current = verb
    while current.dep_ != "ROOT" and current.head.i != current.i and span.start <= current.head.i < span.end:
        if current.dep_ not in ("conj", "xcomp") and not (first_ccomp and current.dep_ == "ccomp" and
                                                          current.i < current.head.i):
            return False
        current = current.head
    return True


def person_ref(token: Token | None, people: People) -> PersonRef | None:
    return people.ref(token) if token is not None else None


def expressed_by(span: Span, people: People) -> PersonRef | None:
    """Who tells the worker something without speech in a main clause: 'he signed sad',
    'On his tablet he pressed biscuit', 'she chose the pictures for swimming', 'pushed his
    picture card towards me' (not 'she signed the plan', nor a professional or the worker)."""
    words = signal_words()
    for verb in span:
        if not verb.tag_.startswith("VB") or not _main_clause(verb, span):
            continue
        low = verb.lower_
        objects = [c for c in verb.children if c.dep_ in ("dobj", "oprd", "acomp")]
        aided = False
        if low in words.aid_verbs:
            near = objects + [g for c in verb.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
            aided = any(t.lower_ in words.communication_aids for o in near for t in o.subtree)
        if not aided and (low not in words.expressing_verbs or any(o.lower_ in words.not_messages for o in objects)):
            continue
        ref = person_ref(subject_of(verb), people)
        if ref is not None and ref.likely_child:
            return ref
    return None


def arrives_during_visit(span: Span, people: People) -> bool:
    """A person other than the worker comes or goes in a main clause: 'Harrison arrived back
    ten minutes into the visit', 'Jade came back from her friend's', 'Kane got in from school'."""
    words = signal_words()
    for verb in span:
        if verb.lower_ not in words.arriving_verbs or not verb.tag_.startswith("VB") or \
                not _main_clause(verb, span, first_ccomp=True):
            continue
        if any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children) or \
                any(c.dep_ == "dobj" and c.lower_ in words.room_words for c in verb.children):
            continue  # "could not be left in their care", "he left the room several times"
        if not any(c.lower_ in words.arriving_particles and c.dep_ in ("advmod", "prt") for c in verb.children) and \
                not any(t.lower_ in words.visit_time_words or _CLOCK.fullmatch(t.text) for t in span):
            continue  # "came over to show me", "arrived in the UK in 2019": not coming in during the visit
        ref = person_ref(subject_of(verb), people)
        if ref is not None and ref.kind not in ("worker", "professional"):
            return True
    return False


def worker_arrives_to_someone(span: Span, people: People) -> bool:
    """The worker arrives in a main clause and the sentence names who was there: 'At 9.15 I
    arrived and met Mrs Holt', 'I knocked and it was a while before Becky came to the door'
    (not 'when I arrived, ...', nor an arrival with nobody named: 'I arrived at 4pm')."""
    words = signal_words()
    for verb in span:
        if verb.lower_ not in words.worker_arriving_verbs or not verb.tag_.startswith("VB") or \
                not _main_clause(verb, span, first_ccomp=True):
            continue
        if verb.lower_ == "got" and not any(c.lower_ in ("there", "to") for c in verb.children):
            continue  # "I got a call": not arriving
        if (person_ref(subject_of(verb), people) or PersonRef(role="", kind="")).kind != "worker":
            continue
        return any((person_ref(t, people) or PersonRef(role="", kind="worker")).kind != "worker" for t in span)
    return False


def says_where_someone_was(span: Span, people: People, presence_states: frozenset[str] | set[str]) -> bool:
    """The main clause says where a person was, or that they were asleep, upstairs, out:
    'Lily-Rose was asleep in her Moses basket ...', 'The baby was in her cot upstairs ...'
    (not what they were doing: 'was playing with his cars')."""
    root = span.root
    if root.lower_ not in BEING:
        return False
    subject = next((c for c in root.children if c.dep_ in SUBJECTS), None)
    ref = person_ref(subject, people)
    if ref is None or ref.kind == "worker":
        return False
    rooms = signal_words().room_words
    return any(c.dep_ in ("acomp", "advmod") and c.lower_ in presence_states or
               c.dep_ == "prep" and c.lower_ in ("in", "at") and any(g.lower_ in rooms for g in c.subtree)
               for c in root.children)


def says_family_ties(span: Span, people: People) -> bool:
    """A main clause of being that says who is whose in the family: 'Hannah is mum to Leo and
    stepmum to Sophie', "Josh isn't the twins' dad", 'their dad is Aaron', 'Kyle is Mia's
    father' (a parent's or relative's word owned by someone, and a person on the other side;
    not what they are like, 'she is a good mum', nor their job, 'his mum is a nurse')."""
    for verb in span:
        if verb.lower_ not in BEING or not _main_clause(verb, span, first_ccomp=True):
            continue
        subject = next((c for c in verb.children if c.dep_ in SUBJECTS), None)
        attr = next((c for c in verb.children if c.dep_ == "attr"), None)
        if subject is not None and attr is not None and \
                any(_relation_of_someone(a, people) and _family_person(b, people)
                    for a, b in ((subject, attr), (attr, subject))):
            return True
    return False


def _relation_of_someone(token: Token, people: People) -> bool:
    """'the twins' dad', 'their nan', 'mum to Leo': a family word with whose it is."""
    ref = person_ref(token, people)
    if ref is None or token.tag_ not in ("NN", "NNS") or ref.kind not in ("parent_carer", "household_member") or \
            any(c.dep_ == "amod" for c in token.children):
        return False  # "a good mum to them": what she is like
    prepositions = signal_words().relation_preps
    return any(c.dep_ == "poss" for c in token.children) or any(
        c.dep_ == "prep" and c.lower_ in prepositions and
        any(g.dep_ == "pobj" and person_ref(g, people) is not None for g in c.children) for c in token.children)


def _family_person(token: Token, people: People) -> bool:
    ref = person_ref(token, people)
    return ref is not None and ref.kind not in ("worker", "professional") and (ref.name is not None or
                                                                                token.lower_ in people.lex.pronouns)


def worker_alone_with_child(span: Span, people: People) -> bool:
    """The worker with a child and nobody else: 'I sat with Harrison on his own in his
    bedroom', 'spent twenty minutes with her alone' (the worker the subject, the child
    after 'with', a word of being alone in the same clause)."""
    words = signal_words()
    for verb in span:
        if verb.lower_ not in words.being_with_verbs or not verb.tag_.startswith("VB"):
            continue
        if (person_ref(subject_of(verb), people) or PersonRef(role="", kind="")).kind != "worker":
            continue
        withs = [g for c in verb.children if c.dep_ == "prep" and c.lower_ == "with" for g in c.subtree]
        if not any((person_ref(g, people) or PersonRef(role="", kind="")).likely_child for g in withs):
            continue
        clause = [t for c in verb.children if c.dep_ not in ("conj", "advcl", "ccomp") for t in c.subtree]
        if any(t.lower_ in words.alone_words or t.lower_ in words.own_words and t.head.lower_ == "on"
               for t in clause):
            return True
    return False


def says_presence(span: Span) -> bool:
    """Whether a sentence says anything of who was there or seen: a word of being seen or
    somewhere ('asleep', 'seen', 'home'), 'in'/'out' of being in ('Gemma was in'), or a
    place a person is away at ('off school', 'taken to custody')."""
    words = signal_words()
    if not span.root.tag_.startswith(("VB", "MD")):
        return True  # a list or a fragment goes on with the sentence before ("Kayden, 15, Mason, 13")
    for token in span:
        low = token.lower_
        if low == "away" and token.head.tag_ == "VBG":
            continue  # "chatting away", "typing away": how someone was doing something, not where they were
        if low in words.presence_words or low in ("in", "out") and token.dep_ in ("prt", "advmod", "acomp"):
            return True
        if low in words.away_places and token.i > span.start and \
                token.doc[token.i - 1].lower_ in ("at", "off", "to", "in", "from"):
            return True
    return False


def describes_room(span: Span, people: People) -> bool:
    """A room the sentence names, then says what it is or has: '..., which was clean and had
    a stair gate', 'where the mattresses have no sheets', '..., and it has a bunk bed',
    'a room to himself, full of Lego' (not 'which I saw')."""
    words = signal_words()
    rooms = [t for t in span if t.lower_ in words.room_words and t.tag_.startswith("NN")]
    if not rooms:
        return False
    first = rooms[0].i
    for room in rooms:
        if any(c.dep_ == "amod" and c.lower_ == "full" for c in room.children):
            return True
    for verb in span:
        if verb.i <= first or verb.lower_ not in words.describing_verbs or verb.dep_ in ("aux", "auxpass"):
            continue
        subject = next((c for c in verb.children if c.dep_ in SUBJECTS), None)
        shared = subject is None and verb.dep_ == "conj"  # "... was also viewed and was clean"
        if shared:
            subject = next((c for c in verb.head.children if c.dep_ in SUBJECTS), None)
        if subject is None or person_ref(subject, people) is not None or subject.tag_ == "NNP" or \
                subject.lower_ in ("which", "that") and person_ref(verb.head, people) is not None:
            continue  # what a person is or has ("Jade, who is 7, ..."): not the room
        if subject.lower_ not in ("it", "which", "that") and subject.lower_ not in words.room_words and \
                verb.dep_ != "relcl" and not shared:
            continue
        if any(c.dep_ in ("attr", "dobj") or c.dep_ == "acomp" and not any(g.lower_ == "to" for g in c.children)
               for c in verb.children):  # not where it is: "next to the bed", "in her mum's room"
            return True
    return False


def document_speaks(span: Span) -> bool:
    """A record or a result says something: 'His EHCP records autism', 'the test results
    received last week were negative', 'the discharge letter states ...'."""
    words = signal_words()
    root = span.root
    subject = next((c for c in root.children if c.dep_ in SUBJECTS), None)
    if subject is None or subject.lower_ not in words.documents:
        return False
    if root.lower_ in words.document_verbs:
        return True
    return root.lower_ in ("was", "were", "is", "are") and any(
        c.dep_ == "acomp" and c.lower_ in words.result_states for c in root.children)


def worker_names_concern(span: Span, people: People) -> bool:
    """The worker says what the worry is, in a main clause of being: 'The worry is all about
    the eldest', 'My main worries are ...', 'Dad's drinking is the concern' (the worry nobody
    else's: not 'her worry is', 'the school's concern is', 'the concern the school raised')."""
    words = signal_words()
    for noun in span:
        if noun.dep_ not in ("nsubj", "attr") or noun.lower_ not in words.judgement_nouns:
            continue
        verb = noun.head
        follows = noun.i + 1 < span.end and noun.doc[noun.i + 1].lower_ in BEING  # "My worries are Jayden going ..."
        if not (verb.lower_ in BEING or follows) or not _main_clause(verb, span, first_ccomp=True):
            continue
        if any(c.dep_ == "poss" and c.lower_ not in ("my", "our") for c in noun.children) or \
                any(c.dep_ in ("acl", "relcl") or c.dep_ == "prep" and c.lower_ in ("from", "by", "of")
                    for c in noun.children):
            continue  # someone else's worry, or one raised by someone
        return True
    return False


@lru_cache(maxsize=1)
def _form_questions() -> dict[str, frozenset[str]]:
    data = yaml.safe_load(_SPEECH.read_text(encoding="utf-8"))
    questions = data.get("form_questions") if isinstance(data, dict) else None
    if not isinstance(questions, dict) or not all(
            isinstance(k, str) and isinstance(v, list) and v and
            all(isinstance(w, str) and re.fullmatch(r"[a-z'\-]+", w) for w in v) for k, v in questions.items()):
        raise ValueError(f"{_SPEECH.name}: form_questions must map section keys to lists of lower-case words")
    return {key: frozenset(value) for key, value in questions.items()}


FORM_QUESTION_WORDS = 6  # "Were the children seen alone?": a form's question is short


def form_question_section(span: Span) -> str | None:
    """The section a statutory question dictated as a fragment asks about: 'Seen?',
    'Alone?', 'Bedrooms?', 'Who was there?' (who was present and seen), 'Concerns?'
    (analysis), 'Next steps?' (actions); None for anything else, and for a question that
    names more than one section or is someone's reported question."""
    if not span.text.rstrip().endswith("?"):
        return None
    words = [t.lower_ for t in span if not t.is_punct]
    if not words or len(words) > FORM_QUESTION_WORDS or \
            any(t.lower_ in ("said", "asked", "says", "asks", "wondered") for t in span):
        return None
    asked = {key for key, question_words in _form_questions().items() if question_words & set(words)}
    return asked.pop() if len(asked) == 1 else None


def plan_without_will(span: Span) -> bool:
    """A plan said as '<who> to <verb>': 'Family support worker to attend weekly from 4
    November', 'SW to discuss with the team manager' (the main verb an infinitive with its
    own subject and no finite verb above it)."""
    root = span.root
    to = next((c for c in root.children if c.dep_ == "aux" and c.tag_ == "TO"), None)
    subject = next((c for c in root.children if c.dep_ in SUBJECTS), None)
    return root.tag_ == "VB" and to is not None and subject is not None and to.i == subject.right_edge.i + 1


def told_by_contact(span: Span, people: People) -> bool:
    """Someone rang, emailed or wrote to the worker to say something: 'The youth offending
    worker rang me last week to say ...', 'Mum texted me to let me know ...'."""
    words = signal_words()
    for verb in span:
        if verb.lower_ not in words.contact_verbs or not _main_clause(verb, span):
            continue
        subject = subject_of(verb)
        if subject is None or subject.lower_ in ("i", "we"):
            continue
        heard = [c for c in verb.children if c.dep_ in ("dobj", "dative")]
        if not any((person_ref(h, people) or PersonRef(role="", kind="")).kind == "worker" for h in heard):
            continue
        if any(c.dep_ in ("xcomp", "advcl") and c.lower_ in ("say", "tell", "let", "report", "ask", "explain")
               for c in verb.children):
            return True
    return False
