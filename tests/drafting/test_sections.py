"""Sections: every sentence in exactly one section, nothing invented or lost; spoken
headings; cues without headings; templates an authority can change without code."""

from __future__ import annotations

import pytest

from pipeline.drafting.template import load_template
from models.errors import TemplateError

UNHEADED = (
    "This was an unannounced home visit to Kayden who is 7. Mum Leanne and Kayden were at home. "
    "The kitchen was dirty and there was no food in the fridge. Kayden told me he is hungry at night. "
    "Mum said she has been struggling since dad left. The school said his attendance has dropped. "
    "I am worried that Kayden's basic needs are not being met. I will visit again on Friday."
)
HEADED = (
    "Purpose of visit. Statutory visit to Lily, 9. Present: mum and Lily. Observations. The flat was tidy. "
    "Mum said Lily has been happier. Child's voice. Lily said she likes her new school. Analysis, "
    "things are improving. Actions. I will close the case next month."
)


def _sections(note) -> dict[str, list[str]]:
    return {s.key: [x.text for x in s.sentences] for s in note.sections}


def test_default_template_keys_and_headings():
    template = load_template()
    assert template.keys() == ["purpose", "present", "observations", "child_voice", "parent_views",
                               "other_information", "analysis", "actions"]
    assert [s.title for s in template.sections][:3] == ["Purpose of visit", "Who was present and seen",
                                                       "Observations"]


def test_sections_without_headings_follow_cues_and_speakers(draft_text):
    got = _sections(draft_text(UNHEADED))
    assert got["purpose"] == ["This was an unannounced home visit to Kayden who is 7."]
    assert got["present"] == ["Mum Leanne and Kayden were at home."]
    assert got["observations"] == ["The kitchen was dirty and there was no food in the fridge."]
    assert got["child_voice"] == ["Kayden told me he is hungry at night."]
    assert got["parent_views"] == ["Mum said she has been struggling since dad left."]
    assert got["other_information"] == ["The school said his attendance has dropped."]
    assert got["analysis"] == ["I am worried that Kayden's basic needs are not being met."]
    assert got["actions"] == ["I will visit again on Friday."]


def test_spoken_headings_decide_until_the_next_heading(draft_text):
    got = _sections(draft_text(HEADED))
    assert got["purpose"] == ["Purpose of visit.", "Statutory visit to Lily, 9."]
    assert got["present"] == ["Present: mum and Lily."]
    # a parent's words said under the worker's "Observations" heading stay there
    assert got["observations"] == ["Observations.", "The flat was tidy.", "Mum said Lily has been happier."]
    assert got["child_voice"] == ["Child's voice.", "Lily said she likes her new school."]
    assert got["analysis"] == ["Analysis, things are improving."]
    assert got["actions"] == ["Actions.", "I will close the case next month."]


@pytest.mark.parametrize("text", [UNHEADED, HEADED])
def test_every_sentence_in_exactly_one_section_nothing_invented_or_lost(draft_text, text):
    note = draft_text(text)
    placed = sorted((s.start_char, s.end_char, s.text) for sec in note.sections for s in sec.sentences)
    for start, end, sentence in placed:
        assert text[start:end] == sentence
    spans = [(a, b) for a, b, _ in placed]
    assert all(b1 <= a2 for (_, b1), (a2, _) in zip(spans, spans[1:])), "sentences overlap"
    assert "".join(t for *_, t in placed).replace(" ", "") == text.replace(" ", "")
    for section in note.sections:
        assert section.text == " ".join(s.text for s in section.sentences)


def test_whisper_style_run_on_text_loses_nothing(draft_text):
    text = ("so mum was at home and the baby was asleep mum said she is tired I will call the health visitor "
            "tomorrow. Okay and also the house was cold")
    note = draft_text(text)
    joined = "".join(s.text for sec in note.sections for s in sorted(sec.sentences, key=lambda x: x.start_char))
    assert sorted(joined.replace(" ", "")) == sorted(text.replace(" ", ""))


CUSTOM = """
name: northshire
sections:
- key: actions
  title: What happens next
  headings: [next steps, what happens next]
  patterns:
  - {regex: '\\bI will\\b', weight: 3}
- key: voice
  title: Voice of the child
  speakers: [child]
  headings: [the child's voice]
- key: narrative
  title: Visit narrative
  default: true
  cues: [visit to]
- key: worries
  title: What are we worried about
  headings: [worries]
  cues: [I am worried, my worry is]
"""


def test_custom_template_renames_reorders_adds_and_drops_sections(tmp_path, draft_text):
    path = tmp_path / "northshire.yaml"
    path.write_text(CUSTOM, encoding="utf-8")
    note = draft_text(UNHEADED + " Worries. The fridge is empty. Next steps. Mum will ring school.",
                      template=path)
    assert note.template == "northshire"
    assert [s.key for s in note.sections] == ["actions", "voice", "narrative", "worries"]
    assert [s.title for s in note.sections][0] == "What happens next"
    got = _sections(note)
    assert "Kayden told me he is hungry at night." in got["voice"]
    assert "I am worried that Kayden's basic needs are not being met." in got["worries"]
    assert "I will visit again on Friday." in got["actions"]
    assert got["worries"][-2:] == ["Worries.", "The fridge is empty."]  # its own spoken heading
    assert got["actions"][-2:] == ["Next steps.", "Mum will ring school."]
    # dropped sections do not appear, and their sentences still land in one of the others
    default = draft_text(UNHEADED + " Worries. The fridge is empty. Next steps. Mum will ring school.")
    assert sum(len(v) for v in got.values()) == sum(len(s.sentences) for s in default.sections)


@pytest.mark.parametrize("content,message", [
    ("sections: [\n", "not valid YAML"),
    ("- just a list\n", "must be a YAML mapping"),
    ("sections: []\n", "sections"),
    ("sections:\n- {key: a, title: A}\n- {key: a, title: B}\n", "used twice"),
    ("sections:\n- {key: a, title: A, patterns: [{regex: '(unclosed'}]}\n", "bad regular expression"),
    ("sections:\n- {key: a, title: A, speakers: [aliens]}\n", "unknown speaker kind"),
    ("sections:\n- {key: 'Bad Key', title: A}\n", "key"),
])
def test_bad_templates_fail_with_one_clear_line(tmp_path, content, message):
    path = tmp_path / "t.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        load_template(path)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_missing_template_file(tmp_path):
    with pytest.raises(TemplateError, match="not found"):
        load_template(tmp_path / "nope.yaml")


def test_dictated_line_breaks_start_sentences_and_headings(draft_text):
    # "new paragraph" / "new line" dictation commands reach this stage as line breaks
    text = "Observations.\n\nThe home was tidy\n\nActions:\nI will visit next week."
    got = _sections(draft_text(text))
    assert got["observations"] == ["Observations.", "The home was tidy"]
    assert got["actions"] == ["Actions:", "I will visit next week."]


def test_a_very_long_note_is_drafted_whole(draft_text):
    from pipeline.drafting.evaluation import load_gold
    from tests.drafting.conftest import DEVSET

    notes = load_gold(DEVSET / "dev")
    long_text = " ".join(note.text for note in notes)  # ~7,000 words, an hour of dictation
    note = draft_text(long_text)
    placed = sorted((s for sec in note.sections for s in sec.sentences), key=lambda s: s.start_char)
    assert len(placed) >= len(notes) * 10
    assert "".join(s.text for s in placed).replace(" ", "") == long_text.replace(" ", "")


def _section_of(note, start: str) -> str:
    return next(s.key for s in note.sections for x in s.sentences if x.text.startswith(start))


def test_a_single_label_with_its_answer_is_that_sentences_only(draft_text):
    """'Present: mum Leanne, ...' in a note with no other heading labels one sentence;
    with several headings the worker's structure decides."""
    note = draft_text("Statutory visit to Mia, 10, and Tyler, 6. Present: mum Leanne, stepdad Craig and both "
                      "children. Mia told me that Craig threw a plate at mum last week. "
                      "Leanne said the arguments are normal. I will refer Leanne to the domestic abuse service.")
    assert _section_of(note, "Present:") == "present"
    assert _section_of(note, "Mia told me") == "child_voice"
    assert _section_of(note, "Leanne said") == "parent_views"
    assert _section_of(note, "I will refer") == "actions"


def test_fields_dictated_as_a_form_are_who_was_present_and_seen(draft_text):
    note = draft_text("Home visit, Monday 17 March, 10.30 am, child protection, unannounced. "
                      "Children, Harley, 12, Brooke, 9. Seen, Harley yes, Brooke yes. "
                      "Seen alone, Harley yes, Brooke no. Bedrooms seen, Harley no, Brooke yes.")
    assert [_section_of(note, s) for s in ("Children,", "Seen,", "Seen alone", "Bedrooms")] == \
        ["purpose", "present", "present", "present"]
    assert note.visit.contact_type == "child protection visit"


def test_whose_words_in_harder_sentences(draft_text):
    note = draft_text("Visit to Kayla, 14, Jayden, 8, and Summer, 6. Kayla said Ricky smokes weed in the kitchen "
                      "every night. She said she has to get Jayden and Summer their tea most nights. "
                      "The older two both said they feel safe at home. "
                      "I did not see the bedrooms because mum said the workmen were upstairs. "
                      "Mum answered the door after a long time and appeared drowsy.")
    assert _section_of(note, "She said") == "child_voice"  # Kayla goes on speaking
    assert _section_of(note, "The older two") == "child_voice"
    assert _section_of(note, "I did not see") == "present"  # the worker's own sentence
    assert _section_of(note, "Mum answered") != "parent_views"  # answering the door reports no words
