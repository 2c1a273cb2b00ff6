"""lay_out_words: Whisper's word pieces -> text with dictation commands applied, and
each word's exact character span (later stages map sentences to audio through them)."""

from __future__ import annotations

import pytest

from pipeline.transcription.dictation_commands import lay_out_words, load_commands


def spans_text(words: list[str], *, commands: bool = True) -> tuple[str, list[str | None]]:
    laid = lay_out_words(words, commands=commands)
    assert len(laid.spans) == len(words)
    return laid.text, [laid.text[s:e] if s is not None else None for s, e in
                       (span if span else (None, None) for span in laid.spans)]


def test_plain_words_join_as_whisper_spaced_them():
    text, spans = spans_text([" The", " child", " was", " well."])
    assert text == "The child was well."
    assert spans == ["The", "child", "was", "well."]


def test_full_stop_replaces_whisper_punctuation_and_capitalises_the_next_word():
    words = [" The", " visit", " went", " well,", " full", " stop.", " she", " was", " happy"]
    text, spans = spans_text(words)
    assert text == "The visit went well. She was happy"
    assert spans == ["The", "visit", "went", "well", None, None, "She", "was", "happy"]


def test_every_command_of_the_issue():
    words = [" Hello", " comma", " how", " are", " you", " question", " mark", " new", " line",
             " fine", " full", " stop", " new", " paragraph", " next"]
    text, spans = spans_text(words)
    assert text == "Hello, how are you?\nFine.\n\nNext"
    assert spans == ["Hello", None, "how", "are", "you", None, None, None, None,
                     "Fine", None, None, None, None, "Next"]


def test_no_commands_keeps_the_words_exactly():
    words = [" she", " said", " full", " stop", " and", " new", " line."]
    text, spans = spans_text(words, commands=False)
    assert text == "she said full stop and new line."  # Whisper's text as it is, not even capitalised
    assert spans == ["she", "said", "full", "stop", "and", "new", "line."]


def test_dictation_starts_with_a_capital():
    text, spans = spans_text([" is", " the", " flat", " safe", " question", " mark"])
    assert text == "Is the flat safe?"
    assert spans == ["Is", "the", "flat", "safe", None, None]


@pytest.mark.parametrize("spelling", [[" Full-stop."], [" fullstop"], [" FULL", " STOP!"], [" full", " stop,"]])
def test_spellings_whisper_uses_for_a_command(spelling):
    text, spans = spans_text([" Done"] + spelling + [" next"])
    assert text == "Done. Next"
    assert spans[0] == "Done" and spans[-1] == "Next"


def test_newline_written_as_one_word():
    assert lay_out_words([" a", " newline", " b"], commands=True).text == "A\nB"


def test_commands_with_nothing_to_punctuate_are_dropped():
    text, spans = spans_text([" full", " stop", " new", " paragraph", " Hello"])
    assert text == "Hello"
    assert spans == [None, None, None, None, "Hello"]


def test_punctuation_straight_after_a_break_is_dropped():
    assert lay_out_words([" a", " new", " line", " comma", " b"], commands=True).text == "A\nB"


def test_two_punctuation_commands_keep_the_last():
    text, spans = spans_text([" yes", " comma", " full", " stop", " no"])
    assert text == "Yes. No"
    assert spans == ["Yes", None, None, None, "No"]


def test_repeated_breaks_add_up():
    assert lay_out_words([" a", " new", " line", " new", " line", " b"], commands=True).text == "A\n\nB"


def test_spaces_before_a_break_are_removed():
    text, spans = spans_text([" first", " new", " paragraph", " second"])
    assert text == "First\n\nSecond"
    assert spans == ["First", None, None, "Second"]


def test_word_pieces_without_a_leading_space_after_a_command_get_one():
    # Whisper gives a segment's first word without a space now and then.
    text, spans = spans_text([" one", " full", " stop", "two", " three"])
    assert text == "One. Two three"
    assert spans == ["One", None, None, "Two", "three"]


def test_command_words_inside_other_words_are_not_commands():
    text, _ = spans_text([" commander", " newline's", " stopped", " full"])
    assert text == "Commander newline's stopped full"


def test_spans_are_exact_over_a_long_mixed_dictation():
    words = ([" The", " family", " were", " at", " home.", " Full", " stop."] + [" Mum", " said", " hello,"] +
             [" comma", " then", " left", " new", " paragraph", " Dad", " arrived", " question", " mark"] * 3)
    laid = lay_out_words(words, commands=True)
    for word, span in zip(words, laid.spans):
        if span is None:
            continue
        start, end = span
        piece = laid.text[start:end]
        # The laid-out word is Whisper's word, save case and punctuation moved to a command.
        assert piece.lower().strip(".,?") == word.strip().lower().strip(".,?"), (word, piece)
        assert not piece.startswith(" ") and not piece.endswith(" ")
    spans = [span for span in laid.spans if span]
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), "spans overlap or go backwards"


def test_commands_come_from_the_data_file():
    symbols = {" ".join(command.words): command.symbol for command in load_commands()}
    for spoken, symbol in {"full stop": ".", "comma": ",", "question mark": "?",
                           "new paragraph": "\n\n", "new line": "\n"}.items():
        assert symbols[spoken] == symbol
    assert "colon" not in symbols  # a body part in a visit note, more often than punctuation
