"""Round 7: CiN factor mechanisms, each in phrasings that are in no devset note
(factor_hedges.py + data/factor_hedges.yaml, context.py + data/context.yaml, factor_people.py,
factor_children.py, data/factors/06, 20 and 21)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pipeline.drafting.factor_hedges import HedgeLexicon


def codes(note) -> dict[str, list[str]]:
    return {s.code: s.children for s in note.factor_suggestions}


# -- the worker's own guess is not said --------------------------------------------------------
@pytest.mark.parametrize("text,absent", [
    ("Went round to see Shelby who is 12 and her little brother Kobe who is 4, mum Tasha let me in and I think "
     "she had been drinking, there was a smell of something on her, but I'm not sure.", "1B"),
    ("Kobe, 4, and Shelby, 12, both home with their mum Tasha. Tasha was very flat and quiet and I wondered if she "
     "might be depressed but she didn't say so.", "4B"),
    ("I saw Harley who is 15 on his own. He was giggly and red eyed and I got the impression he might have been "
     "smoking cannabis, but I couldn't be sure.", "2A"),
])
def test_a_hedged_observation_is_not_a_factor(draft_text, text, absent):
    assert absent not in codes(draft_text(text))


@pytest.mark.parametrize("text,present", [
    ("Shelby who is 12 and Kobe who is 4 were home with mum Tasha, and Tasha told me she drinks a bottle of vodka "
     "most days and the children see it.", "1B"),
    ("Harley, 15, was seen alone and told me he smokes cannabis every day with his mates after school.", "2A"),
])
def test_what_is_said_plainly_stays_a_factor(draft_text, text, present):
    assert present in codes(draft_text(text))


def test_hedge_lexicon_is_checked_when_loaded():
    with pytest.raises(ValidationError):
        HedgeLexicon.model_validate({"guesses": ["(unclosed"], "disclaimers": ["x"]})
    with pytest.raises(ValidationError):
        HedgeLexicon.model_validate({"guesses": [], "disclaimers": ["x"]})


# -- a query that came to nothing; a past that is "a couple of years ago" ----------------------
def test_a_query_that_came_to_nothing_is_not_a_factor(draft_text):
    note = draft_text("Jess, who is 14, was seen alone in her room. Her dad said the GP had wondered about an "
                      "eating disorder in the spring, but that came to nothing and she is eating well.")
    assert not any(c.startswith("15") or c.startswith("6") for c in codes(note))
    note = draft_text("Ella, 13, was seen on her own. The college raised self-harm in September but it turned "
                      "out to be a misunderstanding about a scratch from the cat.")
    assert "15A" not in codes(note)


def test_self_harm_a_couple_of_years_ago_is_historical(draft_text):
    note = draft_text("Spoke to Callum who is 17 by himself. Callum told me he cut himself a few years ago when "
                      "things were bad at school, nothing since.")
    assert "15A" not in codes(note)


# -- a parent somewhere else, with no contact --------------------------------------------------
def test_a_parent_who_is_elsewhere_with_no_contact_is_not_the_households(draft_text):
    note = draft_text("Mum Kerry was home with Tyler who is 6. She said Tyler's dad drinks heavily but he's in "
                      "Newcastle now and has had no contact with them since the summer.")
    assert "1B" not in codes(note)
    note = draft_text("Mum Kerry was home with Tyler who is 6. She said Tyler's dad drinks heavily and she worries "
                      "when he has him at weekends.")
    assert "1B" in codes(note)


# -- a condition the note says is no concern ---------------------------------------------------
def test_a_condition_said_to_be_no_concern_is_not_suggested(draft_text):
    note = draft_text("Dad Gary has diabetes and does his own injections. Kian who is 8 was at home with him. "
                      "Gary's diabetes isn't a concern, he manages it well and Kian is well looked after.")
    assert "6B" not in codes(note)
    note = draft_text("Dad Gary has diabetes and does his own injections. Kian who is 8 was at home with him. "
                      "Gary's diabetes is a concern, he keeps missing doses and has collapsed twice.")
    assert codes(note).get("6B") == ["Kian"]


def test_a_blind_parent_said_to_be_no_concern(draft_text):
    note = draft_text("Mum, Asha, has been blind since birth and her guide dog was asleep by the door. Her blindness "
                      "is not a worry for the care of Rafi who is 3, she manages everything herself.")
    assert "6B" not in codes(note)


# -- hurting someone said indefinitely ---------------------------------------------------------
def test_hurting_a_boy_at_school_is_not_abuse_of_the_child(draft_text):
    note = draft_text("The head of year said Kyle, who's 12, was sent home on Tuesday for kicking a girl in the "
                      "lunch queue.")
    assert not any(c.startswith("18") for c in codes(note))
    note = draft_text("Kyle who is 12 told me his stepdad Gaz kicked him in the back last night.")
    assert codes(note).get("18C") == ["Kyle"]


# -- housing that does not meet the family's needs --------------------------------------------
def test_unsuitable_housing_is_other(draft_text):
    note = draft_text("Nathan who is 11 uses a wheelchair and his sister Tia is 6. The flat is unsuitable for his "
                      "wheelchair and mum has asked the council to move them.")
    assert codes(note).get("20") == ["Nathan", "Tia"]


# -- a dictated question answered in the next sentence ----------------------------------------
def test_concerns_question_answered_none_for_named_children(draft_text):
    note = draft_text("Kids, Ruby 7, Theo 4 and Alfie 2. Theo has global developmental delay and sees the "
                      "paediatrician. Worries? None for Ruby or Alfie.")
    found = codes(note)
    assert found.get("21") == ["Ruby", "Alfie"]
    assert found.get("5A") == ["Theo"]


def test_concerns_question_answered_no_for_everyone(draft_text):
    note = draft_text("Kids, Ruby 7 and Theo 4, both seen. Any concerns? No, both doing well at school.")
    assert codes(note).get("21") == ["Ruby", "Theo"]


# -- a fragment that opens with a name ---------------------------------------------------------
def test_a_fragment_opening_with_a_name_is_that_childs(draft_text):
    note = draft_text("Children, Maddie 9 and Zac 5. Zac, learning disability, school have an EHCP in place. "
                      "Maddie, happy, doing well.")
    assert codes(note).get("5A") == ["Zac"]


# -- the child cared for is not the young carer ------------------------------------------------
def test_the_child_got_ready_is_not_the_young_carer(draft_text):
    note = draft_text("Mum Jade has MS and is in bed most days. Kai who is 13 and Lily who is 5 live with her. Kai is "
                      "a young carer. In Kai's words, I do all the cooking. And I get Lily dressed for school.")
    assert codes(note).get("7A") == ["Kai"]


# -- a professional's title names no child in another clause ----------------------------------
def test_a_plan_to_ask_a_nurse_is_not_the_childs_illness(draft_text):
    note = draft_text("Mum Stacey has diabetes and it isn't well controlled. Noah who is 7 was at school. I will "
                      "phone the diabetes nurse about her insulin and I'll see Noah at school on Friday.")
    found = codes(note)
    assert "6A" not in found
    assert found.get("6B") == ["Noah"]


# -- regional words for hitting; a young child has no partner of their own ---------------------
@pytest.mark.parametrize("verb", ["skelped", "walloped", "clouted", "thumped"])
def test_regional_words_for_hitting_a_child(draft_text, verb):
    note = draft_text(f"Ewan who is 7 told me his mammy's boyfriend Craig {verb} him on the legs when he spilled "
                      "his juice.")
    found = codes(note)
    assert found.get("18C") == ["Ewan"]
    assert "3A" not in found
