"""block_bounds: long recordings are recognised in equal blocks cut at pauses."""

from __future__ import annotations

import numpy as np

from pipeline.transcription.transcribe import block_bounds

RATE = 16000


def speechlike(seconds: float, pauses_at: list[float]) -> np.ndarray:
    samples = np.random.default_rng(1).normal(0.0, 0.1, int(seconds * RATE)).astype(np.float32)
    for at in pauses_at:  # 0.3 s of silence
        samples[int(at * RATE):int((at + 0.3) * RATE)] = 0.0
    return samples


def test_short_recording_is_one_block():
    samples = speechlike(100, [])
    assert block_bounds(samples, 900) == [(0, len(samples))]
    assert block_bounds(samples, 100) == [(0, len(samples))]


def test_blocks_cover_the_recording_and_cut_in_the_pauses():
    samples = speechlike(100, [31.0, 70.0])
    bounds = block_bounds(samples, 40)
    assert len(bounds) == 3
    assert bounds[0][0] == 0 and bounds[-1][1] == len(samples)
    assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:]))
    cuts = [end / RATE for _, end in bounds[:-1]]
    assert 31.0 <= cuts[0] <= 31.3 and 70.0 <= cuts[1] <= 70.3


def test_no_block_is_much_longer_than_asked():
    samples = speechlike(3 * 3600 / 20, [])  # 9 minutes, blocks of 1 minute
    bounds = block_bounds(samples, 60)
    assert len(bounds) == 9
    # Each cut may move up to 15 s from its even share: a block is at most 30 s longer.
    assert max(end - start for start, end in bounds) <= (60 + 30) * RATE
