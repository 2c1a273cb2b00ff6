"""Round 8: mentions of a factor that are not evidence of one, and factors of someone outside
the family, each in phrasings that are in no devset note (data/context.yaml,
data/factor_hedges.yaml + factor_hedges.py, factor_people.py, data/factors/06)."""

from __future__ import annotations

import pytest

HOME = "Visited Tanisha who is 10 and her brother Reuben who is 6 at home with their mum Dionne. "


def codes(note) -> dict[str, list[str]]:
    return {s.code: s.children for s in note.factor_suggestions}


def families(note) -> set[str]:
    return {"".join(ch for ch in s.code if ch.isdigit()) for s in note.factor_suggestions}


# -- hearsay, a question, a clean test: no suggestion ------------------------------------------
@pytest.mark.parametrize("sentence,family", [
    ("There are rumours going round the school gate that Dionne is taking cocaine.", "2"),
    ("According to gossip on the street Dionne has been drinking heavily again.", "1"),
    ("There has been talk on the estate of Dionne smoking weed with the children in the flat.", "2"),
    ("At the strategy meeting there was talk that Dionne is drinking through the day.", "1"),
    ("I asked Dionne about drug use in the flat.", "2"),
    ("We asked Dionne about her drinking.", "1"),
    ("Dionne's hair strand test for cocaine came back negative in October.", "2"),
    ("Dionne agreed to a drug screen and the results were clear.", "2"),
    ("The police told me there is nothing to say Dionne is using drugs.", "2"),
    ("The health visitor has no reason to believe Dionne is drinking.", "1"),
])
def test_hearsay_questions_and_clear_tests_are_not_evidence(draft_text, sentence, family):
    assert family not in families(draft_text(HOME + sentence))


@pytest.mark.parametrize("sentence,code", [
    ("Dionne told me she has been taking cocaine at weekends while the children are at her sister's.", "2B"),
    ("Dionne said she drinks most nights once the children are in bed.", "1B"),
    ("Dionne's hair strand test came back positive for cocaine and she admitted she has been using.", "2B"),
])
def test_a_factor_said_plainly_beside_them_stays(draft_text, sentence, code):
    assert code in codes(draft_text(HOME + sentence))


# -- idioms of the senses are no disability -----------------------------------------------------
@pytest.mark.parametrize("sentence", [
    "Dionne swore blind that she had not left the children on their own.",
    "Dionne says she has been swearing blind to the school that Tanisha was ill.",
    "Reuben's teacher said his requests for help fall on deaf ears at home.",
])
def test_idioms_of_blind_and_deaf_are_not_a_disability(draft_text, sentence):
    assert "6" not in families(draft_text(HOME + sentence))


def test_a_real_sight_loss_is_still_a_disability(draft_text):
    assert "6B" in codes(draft_text(HOME + "Dionne is registered blind and uses a cane around the flat."))


# -- the worker's may/might on the factor's own verb is a guess ---------------------------------
@pytest.mark.parametrize("sentence,family", [
    ("Dionne may be drinking again.", "1"),
    ("Dionne might have a problem with cannabis.", "2"),
    ("Dionne might be depressed.", "4"),
    ("Tanisha may have been self-harming, there were marks on her arm.", "15"),
    ("Reuben might be a young carer.", "7"),
])
def test_may_or_might_on_the_factor_is_a_guess(draft_text, sentence, family):
    assert family not in families(draft_text(HOME + sentence))


@pytest.mark.parametrize("sentence,code", [
    ("Dionne needs help with her drinking and may need a detox.", "1B"),
    ("Dionne may need help with her drinking, she has a bottle of vodka a day.", "1B"),
    ("Dionne is depressed and may be referred to the crisis team.", "4B"),
    ("I am worried Dionne may be drinking again, the bins are full of cans.", "1B"),
])
def test_may_elsewhere_or_a_worry_leaves_the_factor(draft_text, sentence, code):
    assert code in codes(draft_text(HOME + sentence))


# -- someone outside the family ----------------------------------------------------------------
@pytest.mark.parametrize("sentence", [
    "Tanisha's friend Kayla self-harms and Tanisha is upset about it.",
    "Tanisha said her best mate from dance cuts herself.",
    "Tanisha told me a girl in her class self harms.",
])
def test_a_friends_self_harm_is_not_the_childs(draft_text, sentence):
    assert "15A" not in codes(draft_text(HOME + sentence))


def test_the_childs_own_self_harm_beside_a_friend_stays(draft_text):
    note = draft_text(HOME + "Tanisha told me she cuts herself when she falls out with her friends.")
    assert codes(note).get("15A") == ["Tanisha"]


@pytest.mark.parametrize("sentence,family", [
    ("Tanisha's nan Beverley, who lives round the corner, has dementia.", "6"),
    ("Dionne's cousin lives next door and is a heavy drinker.", "1"),
    ("Their uncle Curtis lives nearby and is on methadone.", "2"),
])
def test_a_relative_living_nearby_is_not_of_the_household(draft_text, sentence, family):
    assert family not in families(draft_text(HOME + sentence))


def test_a_relative_living_in_is_of_the_household(draft_text):
    note = draft_text(HOME + "Their uncle Curtis lives with them and is on methadone.")
    assert "2C" in codes(note)


# -- put in the past after the factor word ------------------------------------------------------
@pytest.mark.parametrize("sentence,family", [
    ("Dionne's first husband beat her, but that was before Tanisha was born.", "3"),
    ("Dionne used heroin in her twenties, and that's all years ago now.", "2"),
    ("Dionne was assaulted by a boyfriend years back.", "3"),
    ("Dionne drank heavily after her mum died, but that is long behind her.", "1"),
])
def test_a_sentence_that_puts_it_in_the_past_is_not_current(draft_text, sentence, family):
    assert family not in families(draft_text(HOME + sentence))


def test_a_past_followed_by_now_is_current(draft_text):
    note = draft_text(HOME + "Dionne used heroin years ago and she has started using again this month.")
    assert "2B" in codes(note)


# -- a concern raised and then not found, a question, a closed case, "historic" -----------------
@pytest.mark.parametrize("sentence,family", [
    ("The nursery raised neglect last term, but the concerns were not borne out when we visited.", "16"),
    ("A neighbour claimed Dionne smacks Reuben, but there is nothing to back this up.", "18"),
    ("Her sister reported that Dionne drinks all day, which was not substantiated.", "1"),
    ("Dionne was asked whether she had ever self-harmed.", "15"),
    ("Tanisha asked me what self-harm is after an assembly about it.", "15"),
    ("Is Dionne still drinking during the day?", "1"),
    ("Dionne was drunk at a visit in 2021, and the case was then closed.", "1"),
    ("The worries about Dionne's drinking are historic and she has worked well with us.", "1"),
])
def test_concerns_not_found_questions_and_closed_cases_are_not_evidence(draft_text, sentence, family):
    assert family not in families(draft_text(HOME + sentence))


def test_an_answer_after_a_question_is_evidence(draft_text):
    note = draft_text(HOME + "Is Dionne drinking? She told me she drinks a bottle of wine every night.")
    assert "1B" in codes(note)


# -- the same evidence in plainer words ----------------------------------------------------------
@pytest.mark.parametrize("sentence,code", [
    ("Dionne admitted she's been hitting the bottle since her dad died.", "1B"),
    ("Dionne told me she is back on the booze.", "1B"),
    ("Dionne was absolutely hammered when I called round at teatime.", "1B"),
    ("Dionne said she's back on the gear and owes her dealer money.", "2B"),
    ("Dionne told me she has been doing coke on Friday nights.", "2B"),
    ("Dionne said her boyfriend Marcus knocks her about when he's jealous.", "3B"),
    ("Dionne told me Marcus gave her a black eye last weekend.", "3B"),
    ("Tanisha said she hurts herself with a pencil sharpener blade when she's sad.", "15A"),
])
def test_plainer_words_for_the_same_evidence(draft_text, sentence, code):
    assert code in codes(draft_text(HOME + sentence))


@pytest.mark.parametrize("sentence,family", [
    ("Dionne has been hitting the bottle, she said, and I have smelt it on her.", "3"),
    ("Dionne was pissed off with the housing officer about the repairs.", "1"),
    ("Reuben had a glass of coke with his tea.", "2"),
    ("Dionne is taking pills for her blood pressure.", "2"),
    ("Dionne hit the roof when she read the school's letter.", "3"),
    ("Tanisha and her new teacher have really hit it off.", "18"),
    ("Reuben put on his football gear and went to training.", "2"),
])
def test_words_that_look_like_evidence_but_are_not(draft_text, sentence, family):
    assert family not in families(draft_text(HOME + sentence))
