"""The one error tree and its two readers: every domain error the service can raise
has an HTTP answer (status, problem type, extra members, headers) in ``api.problems``,
and ``casenote.cli`` turns any of them into one line and exit code 2."""

from __future__ import annotations

import inspect

import pytest
import typer
from typer.testing import CliRunner

from api.problems import PROBLEM_TYPES, UNEXPECTED, problem_for
from casenote.cli import command
from models import errors
from models.errors import (AudioIntegrityError, CasenoteError, ConfigurationError, ConfirmRefused, NotFound,
                           RangeNotSatisfiable, SignInThrottled, VersionConflict)

pytestmark = pytest.mark.unit

ERROR_CLASSES = [c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, CasenoteError)]


def test_no_row_of_the_table_is_hidden_behind_its_base():
    for index, (error_class, _, _) in enumerate(PROBLEM_TYPES):
        earlier = [base for base, _, _ in PROBLEM_TYPES[:index] if issubclass(error_class, base)]
        assert not earlier, f"{error_class.__name__} comes after {earlier[0].__name__}: it never answers"


def test_every_error_a_request_can_meet_has_its_own_answer():
    """Errors of the set-up, of storage and of dictation on the worker's machine are no
    client's to fix: they answer as an unexpected error does. Every other one is mapped."""
    not_for_clients = (ConfigurationError, errors.StorageError, errors.CaptureError)
    for error_class in ERROR_CLASSES:
        mapped = any(issubclass(error_class, row) for row, _, _ in PROBLEM_TYPES)
        expected = not issubclass(error_class, not_for_clients) and error_class not in (
            CasenoteError, errors.InputError, errors.TextFileError, errors.TemplateError)
        assert mapped == expected, error_class.__name__


@pytest.mark.parametrize("error,status,type_,extra,headers", [
    (NotFound("draft"), 404, "not-found", {}, None),
    (ConfirmRefused(["suggestion 1B not yet accepted or rejected"]), 422, "confirm-refused",
     {"reasons": ["suggestion 1B not yet accepted or rejected"]}, None),
    (VersionConflict(sent=1, current_version=2, current={"sections": []}, updated_at="2025-03-12T14:00:00+00:00",
                     updated_by="ada"), 409, "version-conflict",
     {"current_version": 2, "current": {"sections": []}, "updated_at": "2025-03-12T14:00:00+00:00",
      "updated_by": "ada"}, None),
    (RangeNotSatisfiable(1000), 416, "range-not-satisfiable", {}, {"Content-Range": "bytes */1000"}),
    (SignInThrottled(900), 429, "sign-in-throttled", {"retry_after_s": 900}, {"Retry-After": "900"}),
    (errors.PresetInvalid("export preset x.yaml: cannot read it"), 500, "bad_export_preset", {}, None),
    (errors.UnknownFormat("unknown export format 'rtf'"), 422, "unknown_export_format", {}, None),
])
def test_domain_errors_answer_as_problems(error, status, type_, extra, headers):
    problem = problem_for(error)
    assert (problem.status, problem.type, problem.detail, problem.extra, problem.headers) == (
        status, f"/problems/{type_}", str(error), extra, headers)


def test_an_error_no_client_can_fix_is_an_unexpected_error():
    problem = problem_for(AudioIntegrityError("chunk 3 does not decrypt"))
    assert (problem.status, problem.type, problem.detail, problem.extra) == (500, "about:blank", UNEXPECTED, {})


def test_the_codes_a_failed_job_stores_stay_as_they_were():
    assert {name: getattr(errors, name).code for name in errors.KEPT_CODES} == errors.KEPT_CODES
    assert [c.code for c in (errors.NotAudio, errors.AudioTooLong, errors.SilentAudio, errors.NoSpeech,
                             errors.ModelNotFound, errors.CaptureError, errors.ExportError)] == [
        "not_audio", "audio_too_long", "silent_audio", "no_speech", "model_not_found", "capture_error",
        "export_error"]
    assert CasenoteError.code == "casenote_error" and errors.NoAudioToRetry.code == "no_audio_to_retry"


def test_sign_in_throttle_says_how_long_to_wait():
    assert str(SignInThrottled(900)) == "too many failed sign-ins for this user name; try again in 15 minutes"
    assert SignInThrottled(61).wait_text == "2 minutes" and SignInThrottled(40).wait_text == "40 seconds"
    assert SignInThrottled(1).wait_text == "1 second"


def run(body) -> tuple[int, str]:
    """(exit code, stderr) of ``casenote body`` where the command's body is ``body``."""
    app = typer.Typer()
    app.command("body")(command(body))
    app.command("other")(lambda: None)  # two commands: "body" is a subcommand, as in casenote
    result = CliRunner().invoke(app, ["body"])
    return result.exit_code, result.stderr


def test_the_command_line_turns_every_domain_error_into_one_line():
    for error in (NotFound("user", "no user 'ada'"), ConfigurationError("cannot listen on 127.0.0.1:1"),
                  AudioIntegrityError("chunk 3 does not decrypt")):
        def body() -> None:
            raise error

        assert run(body) == (2, f"casenote: error: {error}\n")


def test_the_command_line_says_an_interruption_and_a_bad_setting_in_one_line(monkeypatch):
    def body() -> None:
        raise KeyboardInterrupt

    assert run(body) == (130, "casenote: error: interrupted\n")
    monkeypatch.setenv("CASENOTE_MAX_AUDIO_SECONDS", "abc")

    def body() -> None:  # noqa: F811 - each case its own command
        from models.settings import Settings

        Settings(_env_file=None)

    code, stderr = run(body)
    assert code == 2 and stderr.startswith("casenote: error: setting CASENOTE_MAX_AUDIO_SECONDS is invalid: ")
    assert stderr.endswith("(got 'abc')\n") and stderr.count("\n") == 1
