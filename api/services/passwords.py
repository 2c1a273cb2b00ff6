"""The password policy, as the NCSC advises for people's accounts: a minimum length,
no composition rules (no "one capital, one digit"), no expiry, and a deny-list of the
most common passwords (``data/common-passwords.txt``), with their usual variations
(capitals, digits or symbols added at the end) refused too."""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

from models.errors import ConfigurationError, PasswordRejected

logger = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # argon2 hashes any length; this only bounds the work per try
DENY_LIST = Path(__file__).parent / "data" / "common-passwords.txt"
MIN_DENY_LIST_ENTRIES = 1000
# "Password12!", "monkey2024": a common word with digits or symbols put after it.
_TRAILING_DIGITS_AND_SYMBOLS = re.compile(r"[\d\W_]+$")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The deny-list, checked as it is loaded: one lower-case password a line, no
    spaces around it, no blank lines; lines starting with '# ' are comments."""
    try:
        lines = DENY_LIST.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigurationError(f"cannot read the password deny-list {DENY_LIST}: {exc.strerror}") from None
    entries = [line for line in lines if not line.startswith("# ")]
    for number, entry in enumerate(entries, 1):
        if not entry or entry != entry.strip() or entry != entry.lower():
            raise ConfigurationError(f"{DENY_LIST}: entry {number} ({entry!r}) is not one lower-case password")
    if len(entries) < MIN_DENY_LIST_ENTRIES:
        raise ConfigurationError(f"{DENY_LIST}: only {len(entries)} passwords; the list is incomplete")
    return frozenset(entries)


def check_password(password: str, username: str | None = None) -> None:
    """Raises PasswordRejected, saying why in a way a person can act on."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordRejected(f"the password must be at least {MIN_PASSWORD_LENGTH} characters; "
                               "three random words make a long one that is easy to remember")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordRejected(f"the password must be at most {MAX_PASSWORD_LENGTH} characters")
    lowered = password.lower()
    if username and username.lower() in lowered:
        raise PasswordRejected("the password must not contain the user name")
    stem = _TRAILING_DIGITS_AND_SYMBOLS.sub("", lowered)
    denied = common_passwords()
    if lowered in denied or lowered.strip() in denied or (len(stem) >= 4 and stem in denied):
        raise PasswordRejected("this password is one of the most commonly used passwords (or one with digits "
                               "or symbols added); choose another, e.g. three random words")
