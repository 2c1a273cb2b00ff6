"""'Keep both' (review_ui/static/merge.js) run by Node: two versions of a section merged
sentence by sentence against the version both started from, so what they share appears
once. No browser: the module is imported as it is served."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests.conftest import REPO

MERGE = REPO / "review_ui" / "static" / "merge.js"
BASE = "Mum was in. The home was tidy."
CASES = [  # (base, mine, theirs, merged)
    (BASE, f"{BASE} Edit from tab two.", f"{BASE} Edit from tab one.",
     f"{BASE} Edit from tab one. Edit from tab two."),
    # each side changed a different sentence: both changes, nothing twice
    (BASE, "Mum was in. The home was very tidy.", "Mum was at home. The home was tidy.",
     "Mum was at home. The home was very tidy."),
    # both changed the same sentence differently: both kept, the saved version's first
    (BASE, "Mum was in. The home was very tidy.", "Mum was in. The home was messy.",
     "Mum was in. The home was messy. The home was very tidy."),
    # the same change on both sides, and one side's deletion
    ("A. B. C.", "A. B2. C.", "A. B2. C. D.", "A. B2. C. D."),
    ("A. B. C.", "A. C.", "A. B. C. E.", "A. C. E."),
    # paragraphs and other stops survive; a sentence both added in one place appears once
    ("A. B.\n\nC?", "A. B.\n\nC? Mine!", "X. A. B.\n\nC?", "X. A. B.\n\nC? Mine!"),
    ("", "Mine.", "Theirs.", "Theirs. Mine."),
    ("Old.", "New.", "New.", "New."),
]


def test_keep_both_merges_against_the_version_both_started_from():
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: run `make ui-deps`")
    script = (f"import {{ mergeSentences }} from {json.dumps(MERGE.as_uri())};\n"
              f"const cases = {json.dumps([c[:3] for c in CASES])};\n"
              "console.log(JSON.stringify(cases.map(([b, m, t]) => mergeSentences(b, m, t))))")
    done = subprocess.run([node, "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [c[3] for c in CASES]
