"""Negated, denied, absent, historical and hypothetical mentions are not evidence;
the same words stated as a current concern are."""

from __future__ import annotations

import pytest

NOT_EVIDENCE = [
    # the issue's own examples
    ("Mum said there are no concerns about alcohol.", "1"),
    ("She denied any drug use.", "2"),
    ("Jade is 14. Jade said nobody has asked her for pictures.", "11"),
    ("Kayden is 13. He has never thought about hurting himself.", "15"),
    # more negation and denial
    ("Dad said he does not drink and there were no signs of alcohol in the home.", "1"),
    ("There is no evidence of domestic abuse in the relationship.", "3"),
    ("Mum denied that she uses cannabis.", "2"),
    ("Tyler, 15, said he has not taken any drugs.", "2"),
    ("Ruby, 14, told me she has never self-harmed.", "15"),
    ("I do not think Jade, 14, is being sexually exploited.", "11"),
    ("There is nothing to suggest that the children are neglected.", "16"),
    # historical
    ("Dad used drugs in the past but he has been clean for three years.", "2"),
    ("Mum had an eating disorder when she was a teenager.", "4"),
    ("Dad used to drink heavily when Kayden was a baby.", "1"),
    # hypothetical or only talked about
    ("If dad starts drinking again mum will call the police.", "1"),
    ("I talked to Kacey, 12, about the dangers of drugs and alcohol.", "2"),
]


@pytest.mark.parametrize("text,family", NOT_EVIDENCE)
def test_not_evidence(codes_of, text, family):
    from models.cin_codes import family_of

    assert not {c for c in codes_of(text) if family_of(c) == family}, text


def test_but_clause_keeps_its_own_concern(codes_of):
    # the negation belongs to mum's clause only
    assert codes_of("Mum does not drink but her partner Craig drinks heavily every day.") == {"1C"}


def test_negated_or_conjunction_negates_both(codes_of):
    assert codes_of("Mum said she does not drink or take drugs.") == set()


def test_history_with_current_relapse_is_current(codes_of):
    assert "2B" in codes_of("Mum has a history of heroin use and has relapsed again this month.")


def test_denial_does_not_cancel_a_separate_disclosure(codes_of):
    codes = codes_of("Kayden, 8, said Dean hit him with a belt. Dean denied hitting him.")
    assert codes == {"18C"}
