"""The voice track of a set: which words and tones at which second, and the mix into samples.

Built from the same timeline as the chat pacing (coach.pacing.set_timeline), so the track lasts
exactly set_duration() seconds. Per beat: a tone at the beat's start (rising for a lift,
falling for a lower, a short tick for each hold second, a two-note chime at the end), then the
words a little after it: the rep number and "lift", "hold" then the countdown, "lower". The
Army 4-count calls "one", "two", "three" and the rep number on the fourth count, each followed by
its phase word. Pure: clips come in as arrays, the mix goes out as an array.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import numpy.typing as npt

from coach.pacing import Beat, set_duration, set_timeline
from content.model import Cadence

Tone = Literal["lift", "lower", "tick", "end"]
Samples = npt.NDArray[np.float32]

RATE: Final = 16_000
# Words start after the tone so the two never mask each other.
WORDS_AFTER_S: Final = 0.2
# Gap between two words of one beat ("three" "lift").
WORD_GAP_S: Final = 0.06
TONE_GAIN: Final = 0.35
WORD_GAIN: Final = 0.8
END_CHIME_S: Final = 0.45
# Bump when the mix changes: cached tracks of an older mix are not reused.
MIX_VERSION: Final = 1


@dataclass(frozen=True)
class Cue:
    """What the track plays at `at_s` seconds: an optional tone, then words (clip names)."""

    at_s: float
    tone: Tone | None
    words: tuple[str, ...]


def _number(n: int) -> tuple[str, ...]:
    # Clips exist for 1..15 (the progression tops out at 15 reps); beyond, the tones carry it.
    return (str(n),) if 1 <= n <= 15 else ()


def _beat_cue(beat: Beat, previous: Beat | None, cadence: Cadence) -> Cue:
    if beat.kind == "end":
        return Cue(max(0.0, beat.at_s - END_CHIME_S), "end", ())
    if beat.kind == "hold":
        first = previous is None or previous.kind != "hold"
        said = ("hold",) if first else _number(beat.remaining or 0)
        return Cue(float(beat.at_s), "tick", said)
    tone: Tone = beat.kind
    if cadence.four_count and beat.count is not None:
        call = _number(beat.rep) if beat.count == 4 else _number(beat.count)
        return Cue(float(beat.at_s), tone, (*call, beat.kind))
    if beat.kind == "lift":
        return Cue(float(beat.at_s), tone, (*_number(beat.rep), "lift"))
    return Cue(float(beat.at_s), tone, ("lower",))


def voice_cues(cadence: Cadence, reps: int) -> tuple[Cue, ...]:
    """Every cue of one set, in time order, the end chime last."""
    beats = set_timeline(cadence, reps)
    cues = []
    previous: Beat | None = None
    for beat in beats:
        cues.append(_beat_cue(beat, previous, cadence))
        previous = beat
    return tuple(cues)


def clip_names() -> frozenset[str]:
    """Every clip a track may use."""
    return frozenset({"lift", "hold", "lower", *(str(n) for n in range(1, 16))})


def _sweep(start_hz: float, end_hz: float, seconds: float) -> Samples:
    n = int(seconds * RATE)
    freq = np.linspace(start_hz, end_hz, n, dtype=np.float64)
    phase = 2 * np.pi * np.cumsum(freq) / RATE
    # Raised-cosine envelope: no clicks at either end.
    envelope = np.sin(np.linspace(0.0, np.pi, n)) ** 2
    wave: Samples = (np.sin(phase) * envelope).astype(np.float32)
    return wave


def tone_samples(tone: Tone) -> Samples:
    """The samples of one tone: lift rises, lower falls, tick is short, end is two notes."""
    if tone == "lift":
        return _sweep(440.0, 880.0, 0.16)
    if tone == "lower":
        return _sweep(880.0, 440.0, 0.16)
    if tone == "tick":
        return _sweep(1320.0, 1320.0, 0.05)
    gap = np.zeros(int(0.03 * RATE), dtype=np.float32)
    return np.concatenate([_sweep(660.0, 660.0, 0.18), gap, _sweep(990.0, 990.0, 0.22)])


def mix(cues: tuple[Cue, ...], clips: Mapping[str, Samples], duration_s: float) -> Samples:
    """The set's track as mono float32 samples at RATE, exactly duration_s long."""
    total = round(duration_s * RATE)
    track = np.zeros(total, dtype=np.float32)

    def add(at_s: float, sound: Samples, gain: float) -> None:
        start = round(at_s * RATE)
        if start >= total:
            return
        part = sound[: total - start]
        track[start : start + len(part)] += gain * part

    for cue in cues:
        if cue.tone is not None:
            add(cue.at_s, tone_samples(cue.tone), TONE_GAIN)
        t = cue.at_s + (WORDS_AFTER_S if cue.tone is not None else 0.0)
        for word in cue.words:
            clip = clips.get(word)
            if clip is None:
                continue
            add(t, clip, WORD_GAIN)
            t += len(clip) / RATE + WORD_GAP_S
    np.clip(track, -1.0, 1.0, out=track)
    return track


def set_track(cadence: Cadence, reps: int, clips: Mapping[str, Samples]) -> Samples:
    """The whole track of one set of `reps` reps at this cadence."""
    return mix(voice_cues(cadence, reps), clips, float(set_duration(cadence, reps)))
