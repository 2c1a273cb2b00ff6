"""Lead words dictated as a label for their own sentence, the way a worker fills in a
form aloud: "Mia's words, Craig smacked Tyler...", "Chloe's view, she did not see it",
"School, the DSL reported...", "Youth offending service, his drug test was negative".

A label is the few words before the sentence's first comma, with a clause after it:
- a person's words or view ("<person>'s words", "in mum's view", "Dad's account"; the
  label words are ``voice_labels`` in ``data/people.yaml``): that person is the speaker;
- an agency or professional ("School", "Police intelligence", "The health visitor",
  "Youth offending service": a professional's role words, or a name that ends in an
  agency word such as service, team or unit): a professional is the speaker.
Section labels said the same way ("Home, cold and untidy", "Analysis, ...") are the
template's headings (``sections.heading_of``)."""

from __future__ import annotations

from spacy.tokens import Span

from pipeline.drafting.people import AGENCY, People, PersonRef

LONGEST_LABEL = 5  # words before the comma: "the community mental health team"
SHORTEST_ANSWER = 3  # words after it: a label is followed by what it labels
_DETERMINERS = {"the", "a", "an", "in", "from"}
_VISIT_WITHIN = 6  # words after the label in which "visit" makes it the visit's own record


def lead_label_speaker(span: Span, people: People) -> PersonRef | None:
    """Whose words or information a sentence's lead label says it holds (None: no label)."""
    words = people.t.lower
    comma = next((i for i in range(span.start, min(span.end, span.start + LONGEST_LABEL + 2)) if words[i] == ","),
                 None)
    if comma is None or comma == span.start or span.end - comma - 1 < SHORTEST_ANSWER:
        return None
    if words[comma - 1] in people.lex.voice_labels:
        return people.voice_label_owner(span)  # "My view, ...": the worker's own (the cues decide)
    if _agency(range(span.start, comma), people) and not _names_the_visit(span, comma, people):
        return AGENCY
    return None


def _names_the_visit(span: Span, comma: int, people: People) -> bool:
    """'Emergency duty team, emergency child protection visit to the address at 23:40': the
    worker's own team heading the record of the visit, not an agency's information."""
    words = people.t.lower[comma + 1:min(span.end, comma + 1 + _VISIT_WITHIN)]
    return any(w in ("visit", "interview") for w in words)


def _agency(label: range, people: People) -> bool:
    """Every word is a professional's role word ('School', 'Police intelligence', 'The
    school nurse'), or the words end in an agency word ('Youth offending service')."""
    words = [i for i in label if people.t.lower[i] not in _DETERMINERS]
    if not words:
        return False
    if all(_professional_word(i, people) for i in words):
        return True
    return people.t.lower[words[-1]] in people.lex.agency_words and all(people.t.text[i].isalpha() for i in words)


def _professional_word(i: int, people: People) -> bool:
    head = i if i in people.roles else people.phrase_head.get(i)
    return head is not None and people.roles[head][0]["kind"] == "professional"
