"""Tests for coach.replies: free-text replies to log intents, table-driven."""

from __future__ import annotations

import random

import pytest

from coach.replies import (
    MAX_REPS,
    MAX_SETS,
    NOTE_MAX,
    Absurd,
    Done,
    LogIntent,
    Pain,
    Skip,
    Undo,
    parse_reply,
)

D = Done  # short names keep the table readable
PLAIN = Done(reps=None, side=None)

CASES: list[tuple[str, LogIntent | None]] = [
    # The SPEC §5 list.
    ("done", PLAIN),
    ("Done!", PLAIN),
    ("DONE", PLAIN),
    ("  done.  ", PLAIN),
    ("✅", PLAIN),
    ("✔️", PLAIN),
    ("👍", PLAIN),
    ("👍🏽", PLAIN),
    ("done 8", D(8, None)),
    ("done 8 reps", D(8, None)),
    ("Done: 8 reps!", D(8, None)),
    ("8", D(8, None)),
    ("8 reps", D(8, None)),
    ("done 8 left", D(8, "left")),
    ("did 10 right", D(10, "right")),
    ("done 3x10", D(10, None, sets=3)),
    ("3×10", D(10, None, sets=3)),
    ("3 x 10", D(10, None, sets=3)),
    ("3 X 10 left", D(10, "left", sets=3)),
    ("3*10", D(10, None, sets=3)),
    ("3 sets of 10", D(10, None, sets=3)),
    ("done 2 sets", D(None, None, sets=2)),
    ("finished", PLAIN),
    ("Finished!!", PLAIN),
    ("completed", PLAIN),
    ("skip", Skip(side=None)),
    ("Skip.", Skip(side=None)),
    ("skipped - knee hurt", Skip(side=None, note="knee hurt", pain=True)),
    ("skipped - Knee HURT", Skip(side=None, note="Knee HURT", pain=True)),
    ("skip left", Skip(side="left")),
    ("skip the right leg, knee hurt", Skip(side="right", note="knee hurt", pain=True)),
    ("I'll skip this one", Skip(side=None)),
    ("skip today", Skip(side=None)),
    ("skip because I'm tired", Skip(side=None, note="because I'm tired")),
    ("undo", Undo()),
    ("Undo!", Undo()),
    ("oops, undo that", Undo()),
    ("undo last set", Undo()),
    # Near relatives.
    ("ok done", PLAIN),
    ("ok, done", PLAIN),
    ("yes done", PLAIN),
    ("I'm done", PLAIN),
    ("I’m done", PLAIN),  # typographic apostrophe
    ("all right, done", PLAIN),
    ("done done", PLAIN),
    ("done 💪", PLAIN),
    ("done8", D(8, None)),
    ("done 8reps", D(8, None)),
    ("done ten", D(10, None)),
    ("done eight left", D(8, "left")),
    ("done 10x", D(10, None)),
    ("left done", D(None, "left")),
    ("right leg done", D(None, "right")),
    ("done 8 on the left leg", D(8, "left")),
    ("8 L", D(8, "left")),
    ("done r", D(None, "right")),
    ("set 2 done", PLAIN),
    ("last set done", PLAIN),
    ("done, knee hurt for 2 days", D(None, None, note="knee hurt for 2 days", pain=True)),
    ("set 2 of 3 done", PLAIN),
    ("done set 3x10", D(10, None, sets=3)),
    ("done 8 ８", None),  # fullwidth digit is still a second count
    ("done ８", D(8, None)),
    ("done, knee hurt a bit", D(None, None, note="knee hurt a bit", pain=True)),
    ("done 8 but it hurts", D(8, None, note="but it hurts", pain=True)),
    ("done, sharp pain", D(None, None, note="sharp pain", pain=True, sharp_pain=True)),
    (
        "done 6 left - stabbing pain in my knee",
        D(6, "left", note="stabbing pain in my knee", pain=True, sharp_pain=True),
    ),
    ("done no pain", D(None, None, note="no pain")),
    ("done, pain-free", D(None, None, note="pain-free")),
    ("done - it didn't hurt", D(None, None, note="it didn't hurt")),
    ("done 8, felt easy", D(8, None, note="felt easy")),
    ("Done! Knee felt fine", D(None, None, note="Knee felt fine")),
    ("done, skip rest", D(None, None, note="skip rest")),
    # Not a log.
    ("", None),
    ("   ", None),
    ("🎉", None),
    ("hello", None),
    ("ok", None),
    ("yes", None),
    ("thanks", None),
    ("left", None),
    ("L", None),
    ("reps", None),
    ("set 2", None),
    ("done with this bot?", None),
    ("done with this bot", None),
    ("done?", None),
    ("am I done?", None),
    ("don't", None),
    ("not done", None),
    ("not yet", None),
    ("I didn't finish", None),
    ("did not finish", None),
    ("don't skip", None),
    ("skip rest", None),
    ("skip the rest", None),
    ("-3", None),
    ("done -3", None),
    ("done 8.5", None),
    ("done 10,000", None),
    ("8 days ago", None),
    ("done 8 days ago", None),
    ("done yesterday", None),
    ("done, yesterday", None),
    ("done 8 last week", None),
    ("done 8 10", None),
    ("done 3x10 8", None),
    ("done left right", None),
    ("skip left right", None),
    ("done left, right", None),  # a clause of command words is still the command
    ("done left, knee fine", D(None, "left", note="knee fine")),
    ("done for today", None),  # could mean "stopping"; let the handler hint
    ("done 10 each side", None),
    ("undo 8", None),
    ("don't undo", None),
    ("/done", None),
    ("/start medial", None),
    ("r u there", None),
    ("done <3", None),
    # Absurd counts: explained, never stored.
    ("10000", Absurd("too_many_reps")),
    ("done 100000", Absurd("too_many_reps")),
    ("done 500", Absurd("too_many_reps")),
    ("done 101", Absurd("too_many_reps")),
    ("0", Absurd("zero_reps")),
    ("done 0 reps", Absurd("zero_reps")),
    ("done 0 sets", Absurd("zero_sets")),
    ("done 11x10", Absurd("too_many_sets")),
    ("3x0", Absurd("zero_reps")),
    ("3x1000", Absurd("too_many_reps")),
    ("9" * 5000, Absurd("too_many_reps")),  # int() would refuse this many digits
    # Pain without a log: safety advice, not a generic hint.
    ("sharp pain", Pain(sharp=True, note="sharp pain")),
    ("Sharp pain in my knee!", Pain(sharp=True, note="Sharp pain in my knee!")),
    ("my knee hurts", Pain(sharp=False, note="my knee hurts")),
    ("ouch", Pain(sharp=False, note="ouch")),
    ("not done, it hurts", Pain(sharp=False, note="not done, it hurts")),
    ("done 500, severe pain", Pain(sharp=True, note="done 500, severe pain")),
    ("no pain", None),
    ("pain 0", None),
    ("does it hurt?", None),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[repr(c[0])[:40] for c in CASES])
def test_parse_reply_table(text: str, expected: LogIntent | None) -> None:
    assert parse_reply(text) == expected


def test_table_is_big_and_has_both_signs() -> None:
    positives = [c for c in CASES if isinstance(c[1], Done | Skip | Undo)]
    negatives = [c for c in CASES if c[1] is None]
    assert len(CASES) >= 50
    assert len(positives) >= 25
    assert len(negatives) >= 25
    assert len({c[0] for c in CASES}) == len(CASES), "duplicate phrasing in the table"


@pytest.mark.parametrize("reps", [1, 8, MAX_REPS])
def test_rep_bounds_inclusive(reps: int) -> None:
    assert parse_reply(f"done {reps}") == Done(reps, None)


def test_rep_cap_is_exact() -> None:
    assert parse_reply(f"done {MAX_REPS + 1}") == Absurd("too_many_reps")


def test_set_cap_is_exact() -> None:
    assert parse_reply(f"{MAX_SETS}x10") == Done(10, None, sets=MAX_SETS)
    assert parse_reply(f"{MAX_SETS + 1}x10") == Absurd("too_many_sets")


def test_skip_note_is_capped() -> None:
    result = parse_reply("skipped - " + "knee " * 200)
    assert isinstance(result, Skip)
    assert 0 < len(result.note) <= NOTE_MAX
    assert result.note.startswith("knee knee")


def test_done_note_is_capped() -> None:
    result = parse_reply("done, " + "x" * 4000)
    assert isinstance(result, Done)
    assert len(result.note) == NOTE_MAX


def test_long_garbage_is_not_a_log() -> None:
    assert parse_reply("done " + "a" * 4000) is None
    assert parse_reply("hello " * 700) is None


def test_control_characters_and_newlines_are_ignored() -> None:
    assert parse_reply("done\n8\tleft") == Done(8, "left")
    assert parse_reply("do\u200bne") == PLAIN  # zero-width space inside the word
    assert parse_reply("skipped - knee\x00 hurt") == Skip(None, note="knee hurt", pain=True)


def test_keycap_emoji_digits() -> None:
    assert parse_reply("done 8\ufe0f\u20e3") == Done(8, None)


def test_sharp_pain_implies_pain_on_every_intent() -> None:
    for text in ("done, sharp pain", "skip - sharp pain", "sharp pain"):
        result = parse_reply(text)
        assert result is not None
        if isinstance(result, Done | Skip):
            assert result.sharp_pain and result.pain
        else:
            assert isinstance(result, Pain) and result.sharp


def test_skip_with_sharp_pain_is_flagged() -> None:
    assert parse_reply("skipped: sharp pain in my left knee") == Skip(
        side=None, note="sharp pain in my left knee", sharp_pain=True, pain=True
    )


def test_side_word_in_the_note_does_not_set_the_side() -> None:
    # The note is never trusted, not even for the leg.
    assert parse_reply("skip - my left knee hurt") == Skip(
        side=None, note="my left knee hurt", pain=True
    )


def test_intents_are_immutable_and_hashable() -> None:
    result = parse_reply("done 8 left")
    assert result is not None
    assert hash(result) == hash(Done(8, "left"))
    with pytest.raises(AttributeError):
        result.reps = 9  # type: ignore[union-attr,misc]


def test_random_input_never_raises_and_stays_bounded() -> None:
    rng = random.Random(20240601)
    alphabet = list("done skip undo left right x×*0123456789 ,.;:!?-—'’✅👍🏽🎉\n\t\u200b\x00ab")
    words = ["done", "8", "left", "skip", "-", "pain", "sharp", "no", "3x10", "set", "2", "undo"]
    for _ in range(3000):
        if rng.random() < 0.5:
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        else:
            text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 8)))
        result = parse_reply(text)
        assert result is None or isinstance(result, Done | Skip | Undo | Absurd | Pain)
        if isinstance(result, Done):
            assert result.reps is None or 1 <= result.reps <= MAX_REPS
            assert 1 <= result.sets <= MAX_SETS
        if isinstance(result, Done | Skip | Pain):
            assert len(result.note) <= NOTE_MAX
