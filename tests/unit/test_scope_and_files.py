"""Two pieces of plumbing every layer shares: who sees a row (one rule, as SQL and as a
check on a row already read) and writing a file that survives a crash."""

from __future__ import annotations

import itertools
import os
import stat

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, insert, select

from api.db.models import User
from api.services.scope import can_see, visible_to
from models.durable_files import write_durably

pytestmark = pytest.mark.unit

PEOPLE = [User(id=1, username="ada", role="worker", team="north"),
          User(id=2, username="mo", role="manager", team="north"),
          User(id=3, username="sam", role="manager", team=None),
          User(id=4, username="root", role="admin", team=None),
          User(id=5, username="lee", role="worker", team=None)]
ROWS = list(itertools.product([1, 2, 3, 4, 5, 6], ["north", "south", None]))  # (owner, team)


def test_the_query_and_the_check_on_a_row_agree():
    rows = Table("rows", MetaData(), Column("id", Integer, primary_key=True), Column("owner_id", Integer),
                 Column("team", String))
    engine = create_engine("sqlite://")
    rows.metadata.create_all(engine)
    with engine.begin() as db:
        db.execute(insert(rows), [{"id": n, "owner_id": o, "team": t} for n, (o, t) in enumerate(ROWS)])
        for user in PEOPLE:
            by_query = set(db.scalars(select(rows.c.id).where(visible_to(user, rows.c.owner_id, rows.c.team))))
            by_check = {n for n, (owner, team) in enumerate(ROWS) if can_see(user, owner, team)}
            assert by_query == by_check, user.username
    engine.dispose()
    assert {(o, t) for o, t in ROWS if can_see(PEOPLE[1], o, t)} == {
        (2, "north"), (2, "south"), (2, None), *((o, "north") for o in (1, 3, 4, 5, 6))}  # a manager: own + team
    assert {(o, t) for o, t in ROWS if can_see(PEOPLE[0], o, t)} == {(1, "north"), (1, "south"), (1, None)}
    assert all(can_see(PEOPLE[3], o, t) for o, t in ROWS)


def test_a_durable_write_replaces_the_file_whole_and_leaves_nothing_behind(tmp_path):
    target = tmp_path / "state.json"
    (tmp_path / ".state.json.part").write_bytes(b"half a fi")  # left by a write a crash cut off
    write_durably(target, b"first")
    write_durably(target, b"second, longer", mode=0o600)
    assert target.read_bytes() == b"second, longer"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]


def test_a_private_durable_write_is_the_owners_only(tmp_path):
    target = tmp_path / "draft.json"
    write_durably(target, b"{}", mode=0o600)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
