"""Near-miss words corrected to the case's names and the glossary after recognition:
only where Whisper was unsure, only to a term that sounds and is spelled alike, and
always with what was heard kept on the word."""

from __future__ import annotations

from pipeline.transcription.recognition import Piece, TimedWord
from pipeline.transcription.term_correction import correct_terms, make_terms
from pipeline.transcription.vocabulary import glossary_terms

TERMS = make_terms(["Kayden Price", "Mr Okafor", "Farah"], glossary_terms(use_glossary=True, extra_glossary=None))


def corrected(*words: tuple[str, float]) -> list[TimedWord]:
    piece = Piece(start=0.0, end=len(words) * 0.5,
                  words=[TimedWord(text=t, start=i * 0.5, end=i * 0.5 + 0.4, probability=p)
                         for i, (t, p) in enumerate(words)])
    return correct_terms([piece], TERMS)[0].words


def texts(words: list[TimedWord]) -> list[tuple[str, str | None]]:
    return [(w.text, w.heard) for w in words]


def test_misheard_name_is_corrected_and_what_was_heard_kept():
    words = corrected((" I", 0.99), (" saw", 0.98), (" Caden", 0.62), (" alone.", 0.95))
    assert texts(words) == [(" I", None), (" saw", None), (" Kayden", "Caden"), (" alone.", None)]
    assert (words[2].start, words[2].end, words[2].probability) == (1.0, 1.4, 0.62)  # its own timing kept


def test_possessive_and_punctuation_are_kept():
    assert texts(corrected((" Caden's", 0.5), (" room,", 0.9)))[0] == (" Kayden's", "Caden's")
    assert texts(corrected((" Mr.", 0.9), (" Okafer,", 0.6)))[1] == (" Okafor,", "Okafer,")


def test_glossary_term_heard_as_a_near_spelling():
    assert texts(corrected((" referral", 0.9), (" to", 0.9), (" Cams", 0.36)))[2] == (" CAMHS", "Cams")
    assert texts(corrected((" the", 0.9), (" Masha", 0.6), (" received", 0.9)))[1] == (" MASH", "Masha")


def test_words_whisper_was_sure_of_are_left_alone():
    # "mash" sounds like MASH, but Whisper was sure: the worker may well have said mash.
    assert texts(corrected((" mash", 0.95), (" and", 0.9), (" beans", 0.9))) == \
        [(" mash", None), (" and", None), (" beans", None)]
    assert texts(corrected((" Caden", 0.95)))[0] == (" Caden", None)


def test_a_given_name_spelled_another_way_is_the_name_however_sure_whisper_was():
    """Whisper base wrote "Kayden" in one sentence and "Kaden" in the next, both sure: the
    draft then held two children. A capitalised word that sounds like a name the worker
    gave and is spelled nearly the same is that name."""
    assert texts(corrected((" Kaden", 0.97), (" was", 0.99)))[0] == (" Kayden", "Kaden")
    # Not a common word that sounds like a given name, however it is written.
    will = make_terms(["Will"], [])
    piece = Piece(start=0.0, end=1.0, words=[TimedWord(text=" Well,", start=0.0, end=0.4, probability=0.98)])
    assert correct_terms([piece], will)[0].words[0].heard is None


def test_right_terms_and_their_parts_are_never_changed():
    # "lead" sounds like LADO, but here it is part of a glossary term heard right.
    words = corrected((" designated", 0.9), (" safeguarding", 0.6), (" lead,", 0.38))
    assert all(heard is None for _, heard in texts(words))
    # "section" is not "section 47": the number must be the same.
    assert all(heard is None for _, heard in texts(corrected((" section", 0.46), (" 17", 0.9))))
    assert all(heard is None for _, heard in texts(corrected((" Kayden", 0.5), (" Price", 0.5))))


def test_a_word_is_not_swallowed_into_a_name_next_to_it():
    assert texts(corrected((" to", 0.6), (" Kaden", 0.6))) == [(" to", None), (" Kayden", "Kaden")]


def test_titles_are_not_names():
    assert texts(corrected((" Mary", 0.5), (" said", 0.9)))[0] == (" Mary", None)


def test_unrelated_words_stay():
    words = corrected((" The", 0.5), (" far", 0.5), (" come", 0.3), (" price", 0.3), (" sex", 0.3))
    assert [heard for _, heard in texts(words)] == [None, None, None, None, None]


def test_nothing_to_correct_to_changes_nothing():
    piece = Piece(start=0, end=1, words=[TimedWord(text=" Caden", start=0, end=0.4, probability=0.5)])
    assert correct_terms([piece], []) == [piece]
