"""Round 4 of the factor rules (factors.py, subjects.py, factor_children.py, data/factors):
whose concern a word is when a parent is named beside his own mother, a word that
describes a person ('two intoxicated adults'), drinking and drug words of clipped
dictation ('a few cans to cope', 'ket'), 'joint' work that is not a joint, and a child's
factor said of children joined as one subject."""

from __future__ import annotations


def by_code(note) -> dict[str, list[str]]:
    return {s.code: s.children for s in note.factor_suggestions}


def test_a_parents_mother_named_after_him_is_a_grandparent(draft_text):
    note = draft_text("Mark was home with Jake, 13, Lily, 11, and Nan, Mark's mum, who has lived with them since "
                      "her stroke and is in a wheelchair now. Mark said he only has a few cans to cope with "
                      "looking after his mum and the kids on his own.")
    got = by_code(note)
    assert got.get("6C") == ["Jake", "Lily"] and "6B" not in got
    assert got.get("1B") == ["Jake", "Lily"]
    assert "7A" not in got


def test_a_word_that_describes_adults_is_theirs_and_children_joined_are_both(draft_text):
    note = draft_text("Out of hours visit to Bella, 2, and the baby, 4 months, at home with mum Jodie and her "
                      "boyfriend Scott, who lives there. Scott said he'd had some ket earlier. "
                      "Bella and the baby were being neglected tonight by two intoxicated adults.")
    got = by_code(note)
    assert "1A" not in got
    assert got.get("16A") == ["Bella", "the baby"]
    assert got.get("2C") == ["Bella", "the baby"]


def test_joint_work_is_not_a_joint(draft_text):
    note = draft_text("Joint child in need visit with the health visitor to see Alfie, who is 2. Mum Jade was "
                      "at home. The flat was clean and Alfie was playing happily.")
    assert not any(code.startswith("2") for code in by_code(note))


def test_marks_on_a_childs_body_are_hers_and_no_factors_for_him(draft_text):
    note = draft_text("Statutory visit to Ella, 14, and Louis, 11, at home with mum Sarah. The school nurse told me "
                      "on Monday that she saw fresh cuts on Ella's forearms during PE. Louis's needs are being met "
                      "and there are no factors for him.")
    got = by_code(note)
    assert got.get("15A") == ["Ella"] and "4B" not in got
    assert got.get("21") == ["Louis"]


def test_illness_words_and_a_young_carer_who_is_the_subject(draft_text):
    note = draft_text("Home visit to Charlie, 10, Freddie, 7, and baby Isla at home with mum Gemma. Gemma said her "
                      "fibromyalgia has been really bad all week. Gemma said Freddie's inhalers ran out two weeks "
                      "ago. Charlie told this worker that she does most things when Mum's pain is bad, like getting "
                      "Freddie ready, doing Isla's bottles and helping Mum in and out of the bath.")
    got = by_code(note)
    assert got.get("6B") == ["Charlie", "Freddie", "Isla"]
    assert got.get("6A") == ["Freddie"]
    assert got.get("7A") == ["Charlie"]


def test_abuse_that_ended_years_ago_is_not_a_factor(draft_text):
    note = draft_text("Visit to Chloe, 16, at home with mum Michelle. Michelle said the domestic abuse from Chloe's "
                      "dad ended when they separated in 2019 and there have been no incidents since.")
    assert not any(code.startswith("3") for code in by_code(note))


def test_what_a_child_told_of_himself_makes_him_the_carer(draft_text):
    note = draft_text("Visit to Alfie, 8, Poppy, 5, and baby Noah, 7 months, at home with mum Danielle. Alfie told "
                      "me that he gets up in the night to give Noah his bottle when Mum can't wake up, and that he "
                      "gets Poppy dressed for school most mornings. I will refer Alfie to the young carers service.")
    assert by_code(note).get("7A") == ["Alfie"]


def test_an_illness_now_resolved_is_not_a_factor(draft_text):
    note = draft_text("Visit to Esther, 14, at home with Mr and Mrs Adeyemi. Mr Adeyemi said his depression last "
                      "year is now resolved and he no longer takes medication.")
    assert not any(code.startswith("4") for code in by_code(note))


def test_a_relapse_alone_is_not_drug_use(draft_text):
    alone = draft_text("Visit to Chloe, 16, at home with mum Michelle. Mum said she stopped her lithium a month ago. "
                       "SW view, Mum is in relapse and the younger two cannot come home until Mum is better.")
    assert not any(code.startswith("2") for code in by_code(alone))
    with_drugs = draft_text("Visit to Chloe, 16, at home with mum Michelle. Michelle has relapsed and is smoking "
                            "heroin again.")
    assert by_code(with_drugs).get("2B") == ["Chloe"]


def test_a_past_use_that_has_stopped_is_not_a_factor(draft_text):
    stopped = draft_text("Visit to Kayden, 14, at school. Kayden told me he smoked cannabis last year but he has "
                         "stopped now.")
    assert not any(code.startswith("2") for code in by_code(stopped))
    going_on = draft_text("Visit to Kayden, 14, at school. Kayden told me he smoked cannabis last night and he "
                          "smokes it most days.")
    assert by_code(going_on).get("2A") == ["Kayden"]
