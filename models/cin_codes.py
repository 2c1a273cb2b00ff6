"""The CiN census 'factors identified at assessment' code list and its validation rules.

The codes and labels live in ``data/cin-factors.yaml`` (copied from the census
specification in ``shared/reference/cin-factors.md``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel

_DATA = Path(__file__).parent / "data" / "cin-factors.yaml"
RETIRED_CODES = {"18A", "19A"}
NO_FACTORS = "21"


class CinFactor(BaseModel):
    code: str
    family: str
    label: str
    description: str


@lru_cache
def cin_factors() -> dict[str, CinFactor]:
    rows = yaml.safe_load(_DATA.read_text(encoding="utf-8"))
    return {row["code"]: CinFactor(**row) for row in rows}


def family_of(code: str) -> str:
    """'2B' -> '2'; '20' -> '20'."""
    return code.rstrip("ABCDEF")


def census_rule_problems(codes: list[str]) -> list[str]:
    """Why this set of factors would fail the census validation rules (empty = fine)."""
    known = cin_factors()
    problems: list[str] = []
    for code in sorted(set(codes)):
        if code in RETIRED_CODES:
            problems.append(
                f"{code} is retired (rule 8945Q/8950Q): use {code[:-1]}B (by another child) "
                f"or {code[:-1]}C (by an adult)"
            )
        elif code not in known:
            problems.append(f"{code} is not a CiN census factor code")
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        problems.append(f"{', '.join(duplicates)} appears more than once (rule 8898)")
    if NO_FACTORS in codes and len(set(codes)) > 1:
        problems.append("21 (no factors identified) cannot be used with any other factor (rule 8869)")
    return problems
