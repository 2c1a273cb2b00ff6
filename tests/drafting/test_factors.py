"""Factor suggestions: the letter follows the subject, every census code can be reached,
the census rules hold, and every suggestion carries evidence that indexes the transcript."""

from __future__ import annotations

import pytest

from models.cin_codes import census_rule_problems, cin_factors
from models.draft import Subject
from pipeline.drafting.factor_rules import reachable_codes


def _only(draft_text, text):
    suggestions = draft_text(text).factor_suggestions
    assert len(suggestions) == 1, [(s.code, s.evidence[0].text) for s in suggestions]
    return suggestions[0]


def test_partner_hitting_the_child_is_physical_abuse_by_an_adult(draft_text):
    found = _only(draft_text, "Kayden is 7. Mum's partner hit Kayden on the arm last week.")
    assert (found.code, found.subject, found.by) == ("18C", Subject.child, Subject.adult)


def test_dad_drinking_is_the_parents_alcohol_misuse(draft_text):
    found = _only(draft_text, "Dad has been drinking heavily.")
    assert (found.code, found.subject) == ("1B", Subject.parent_carer)


LETTERS = [
    ("Mum said her partner Craig drinks heavily every night.", "1C"),
    ("Callum, 15, told me he drinks vodka with his mates most weekends and gets drunk.", "1A"),
    ("Grandad, who lives with them, is drunk most days.", "1C"),
    ("Mum admitted she has been using heroin again.", "2B"),
    ("Kayden's brother Jordan, who is 19, smokes cannabis in his bedroom every day.", "2C"),
    ("Tyler, 15, said he smokes cannabis every day.", "2A"),
    ("Lily, 9, said daddy punched mummy in the face.", "3B"),
    ("Grandad hit nan with a walking stick.", "3C"),
    ("Lauren, 16, said her boyfriend Kai, who is 17, slapped her and checks her phone.", "3A"),
    ("Mum has been diagnosed with depression.", "4B"),
    ("Noah, 10, has been diagnosed with an anxiety disorder by CAMHS.", "4A"),
    ("Nan, who lives with the family, has schizophrenia.", "4C"),
    ("Mum has a learning disability.", "5B"),
    ("Leo, 9, has a severe learning disability.", "5A"),
    ("Kayden's brother Ben, who is 20, has a learning disability.", "5C"),
    ("Dad has multiple sclerosis and uses a wheelchair.", "6B"),
    ("Arjun, 6, has cerebral palsy.", "6A"),
    ("Nan, who lives with them, has terminal cancer.", "6C"),
    ("Ollie, 8, said his brother Connor, who is 13, punches him.", "18B"),
    ("Amelia, 10, said her uncle sexually abused her.", "19C"),
    ("Poppy, 8, said her 14 year old cousin made her touch his private parts.", "19B"),
    ("Mum has been self-harming by cutting her arms.", "4B"),
]


@pytest.mark.parametrize("text,code", LETTERS)
def test_letter_follows_the_subject(draft_text, text, code):
    assert {s.code for s in draft_text(text).factor_suggestions} == {code}


# One short note per census code: every code 1A-24A and 20/21 can be suggested.
PER_CODE = {
    "1A": "Maisie, 13, was brought home drunk by police and said she drinks vodka most weekends.",
    "1B": "Mum smelled strongly of alcohol and said she drinks a bottle of wine every night.",
    "1C": "Mum's partner Craig was drunk when I arrived and drinks heavily every day.",
    "2A": "Callum, 15, said he smokes weed every day.",
    "2B": "Dad admitted he uses cocaine most weekends.",
    "2C": "Her uncle Lee, who lives with them, uses heroin.",
    "3A": "Lauren, 16, is experiencing domestic abuse from her boyfriend.",
    "3B": "Mum said dad punched her in the face and has been violent towards her for years.",
    "3C": "Grandad hit nan with a walking stick.",
    "4A": "Ruby, 14, has been diagnosed with depression and anxiety.",
    "4B": "Mum has bipolar disorder and has stopped her medication.",
    "4C": "Nan, who lives with the family, has schizophrenia.",
    "5A": "Leo, 9, has a severe learning disability.",
    "5B": "Mum has a learning disability and needs help with routines.",
    "5C": "Kayden's brother Ben, who is 20, has a learning disability.",
    "6A": "Arjun, 6, has cerebral palsy and uses a wheelchair.",
    "6B": "Mum has multiple sclerosis.",
    "6C": "Nan, who lives with the family, has terminal cancer.",
    "7A": "Harvey, 11, is a young carer for his mum and does the shopping and cooking.",
    "8B": "Wei, 15, is privately fostered; he came from China to study and will go back to China next year.",
    "8C": "Daniela, 13, is privately fostered; she came from Portugal and wants to stay in England permanently.",
    "8D": "Josh, 16, is privately fostered with a host family so he can attend the football academy.",
    "8E": "Ellie, 15, is privately fostered with her friend's family after she fell out with her mum.",
    "8F": "Sam, 12, is privately fostered by a neighbour.",
    "9A": "Yonas, 16, is an unaccompanied asylum seeking child.",
    "10A": "Jade, 14, went missing on Friday night and was found on Sunday.",
    "11A": "Jade, 14, is being sexually exploited by older men.",
    "12A": "Minh, 15, was trafficked into the UK.",
    "13A": "Tyler, 15, is involved with a gang.",
    "14A": "Callum, 15, was given an anti-social behaviour warning for criminal damage.",
    "15A": "Ruby, 14, has been self-harming.",
    "16A": "The children are being neglected: there is no food in the house and the home conditions are poor.",
    "17A": "Riley is 8. Dad calls him stupid and tells him nobody loves him.",
    "18B": "Ollie, 8, said his brother Connor, who is 13, punches him.",
    "18C": "Kayden, 7, said mum's partner hit him with a belt.",
    "19B": "Poppy, 8, has been sexually harmed by another child.",
    "19C": "Amelia, 10, said her uncle sexually abused her.",
    "20": "The family are facing eviction and have rent arrears.",
    "21": "There are no safeguarding concerns and the case will be closed.",
    "22A": "Amina, 6, is at risk of female genital mutilation.",
    "23A": "Grace, 9, has been accused of witchcraft and the pastor says she is possessed.",
    "24A": "Tyler, 15, is being criminally exploited through county lines.",
}


def test_every_census_code_has_a_rule():
    wanted = set(cin_factors()) - {"18A", "19A"}
    assert wanted <= reachable_codes()
    assert not reachable_codes() & {"18A", "19A"}
    assert set(PER_CODE) == wanted


@pytest.mark.parametrize("code", sorted(PER_CODE))
def test_every_code_is_reachable(codes_of, code):
    assert code in codes_of(PER_CODE[code]), PER_CODE[code]


def test_no_factors_only_alone(codes_of):
    assert codes_of("There are no concerns about the children and the case will be closed.") == {"21"}
    mixed = codes_of("There are no concerns about the children's care, but the family are facing eviction.")
    assert mixed == {"20"}


def test_no_factors_needs_a_statement(codes_of):
    assert codes_of("The home was clean and Kayden was happy.") == set()


def test_no_concerns_about_one_factor_is_not_no_factors(codes_of):
    assert codes_of("Mum said she has no concerns about alcohol and dad agreed.") == set()


def test_a_note_never_breaks_census_rules(draft_text):
    from pipeline.drafting.evaluation import load_gold
    from tests.drafting.conftest import DEVSET

    for gold in load_gold(DEVSET / "dev"):
        codes = [s.code for s in draft_text(gold.text).factor_suggestions]
        assert census_rule_problems(codes) == [], gold.id
        assert len(codes) == len(set(codes))


def test_evidence_indexes_the_transcript_exactly(draft_text):
    from pipeline.drafting.evaluation import load_gold
    from tests.drafting.conftest import DEVSET

    checked = 0
    for gold in load_gold(DEVSET / "dev")[:12]:
        text = gold.text
        for suggestion in draft_text(text).factor_suggestions:
            assert suggestion.evidence, suggestion.code
            assert 0 < suggestion.confidence <= 1
            assert suggestion.label == cin_factors()[suggestion.code].label
            for evidence in suggestion.evidence:
                assert text[evidence.start_char:evidence.end_char] == evidence.text
                checked += 1
    assert checked > 20
