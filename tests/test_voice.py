"""The voice track: cues from the timeline, OGG/Opus of the right length, caches, clip sizes."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
import soundfile as sf
from telegram import Bot, InputFile
from telegram.ext import CallbackContext

from coach import pacing, voice
from content import load_program
from content.model import Cadence
from content.voice import VOICE_DIR, available_languages, load_clips
from handlers.views import i18n
from handlers.voice import TrackSpec, VoiceTracks, render_track, voice_language
from handlers.workout.voice_pacer import track_spec
from tests.fakebot import FakeBotServer
from tests.handlerkit import running_kit

REHAB = Cadence(lift_s=2, hold_s=2, lower_s=2, pause_s=1, rest_s=45, four_count=False)
ARMY = Cadence(lift_s=2, hold_s=0, lower_s=2, pause_s=0, rest_s=20, four_count=True)


def test_cues_follow_the_timeline() -> None:
    cues = voice.voice_cues(REHAB, 2)
    said = [(c.at_s, c.tone, c.words) for c in cues]
    assert said == [
        (0.0, "lift", ("1", "lift")),
        (2.0, "tick", ("hold",)),
        (3.0, "tick", ("1",)),
        (4.0, "lower", ("lower",)),
        (7.0, "lift", ("2", "lift")),
        (9.0, "tick", ("hold",)),
        (10.0, "tick", ("1",)),
        (11.0, "lower", ("lower",)),
        (13.0 - voice.END_CHIME_S, "end", ()),
    ]


def test_army_four_count_calls_the_rep_on_four() -> None:
    cues = voice.voice_cues(ARMY, 2)
    words = [c.words for c in cues if c.tone != "end"]
    assert words == [
        ("1", "lift"),
        ("2", "lower"),
        ("3", "lift"),
        ("1", "lower"),
        ("1", "lift"),
        ("2", "lower"),
        ("3", "lift"),
        ("2", "lower"),
    ]


def test_a_five_second_hold_is_counted_down() -> None:
    cues = voice.voice_cues(replace(REHAB, hold_s=5), 1)
    assert [c.words for c in cues if c.tone == "tick"] == [
        ("hold",),
        ("4",),
        ("3",),
        ("2",),
        ("1",),
    ]


def test_clips_are_small_and_complete() -> None:
    assert set(available_languages()) >= {"en", "ru", "es", "de", "pt"}
    for language in available_languages():
        folder = VOICE_DIR / language
        assert sum(p.stat().st_size for p in folder.iterdir()) < 1_000_000
        clips = load_clips(language)
        assert set(clips.clips) == voice.clip_names()
        for name, samples in clips.clips.items():
            # Every clip is a short word that fits inside a one-second beat after its tone.
            assert 0.1 < len(samples) / voice.RATE < 1.0 - voice.WORDS_AFTER_S, name


@pytest.mark.parametrize(
    ("cadence", "reps"),
    [(REHAB, 10), (ARMY, 10), (replace(REHAB, hold_s=5), 15), (replace(REHAB, lower_s=3), 5)],
)
@pytest.mark.parametrize("language", ["en", "ru", "es", "de", "pt"])
def test_track_is_opus_in_ogg_and_as_long_as_the_set(
    cadence: Cadence, reps: int, language: str
) -> None:
    data = render_track(TrackSpec("rehab", cadence, reps, language), load_clips(language))
    info = sf.info(io.BytesIO(data))
    assert (info.format, info.subtype, info.channels) == ("OGG", "OPUS", 1)
    samples, rate = sf.read(io.BytesIO(data), dtype="float32")
    assert abs(len(samples) / rate - pacing.set_duration(cadence, reps)) <= 0.2
    # Sound at the first cue, and at each lift (every rep starts audibly).
    for cue in voice.voice_cues(cadence, reps):
        if cue.tone == "lift":
            start = int(cue.at_s * rate)
            window = samples[start : start + int(0.3 * rate)]
            assert np.abs(window).max() > 0.1, cue


def test_each_language_speaks_its_own_words_and_falls_back_to_english() -> None:
    english = load_clips("en")
    for language in ("ru", "es", "de", "pt"):
        assert voice_language(language) == language
        own = load_clips(language)
        assert own.digest != english.digest
        # Same cues, different words: the tracks differ but last exactly as long.
        mine = voice.set_track(REHAB, 3, own.clips)
        assert len(mine) == len(voice.set_track(REHAB, 3, english.clips))
        assert not np.array_equal(mine, voice.set_track(REHAB, 3, english.clips))
    assert voice_language("xx") == "en"
    assert voice_language("") == "en"


def test_the_set_track_follows_the_language_of_the_update() -> None:
    program = load_program()
    preset = program.presets[0]
    rt: Any = SimpleNamespace(
        preset=preset, cadence=preset.cadence, slots=[SimpleNamespace(reps=preset.reps)]
    )
    assert track_spec(rt, 0).language == "en"
    with i18n.speaking("de"):
        assert track_spec(rt, 0).language == "de"
    with i18n.speaking("pt"):
        assert track_spec(rt, 0).language == "pt"


def test_every_preset_has_a_track_of_its_length() -> None:
    clips = load_clips("en")
    for preset in load_program().presets:
        track = voice.set_track(preset.cadence, preset.reps, clips.clips)
        assert len(track) == pacing.set_duration(preset.cadence, preset.reps) * voice.RATE


async def test_second_send_reuses_the_file_id_and_the_disk_cache(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3") as kit:
        context: Any = CallbackContext(kit.app)
        tracks = VoiceTracks(tmp_path / "cache")
        spec = TrackSpec("rehab", REHAB, 3, "en")
        first = await tracks.send(context, kit.storage, 42, spec, "Set 1")
        second = await tracks.send(context, kit.storage, 43, spec, "Set 1")
        voices = [s for s in kit.request.sent if s.method == "sendVoice"]
        assert len(voices) == 2
        assert voices[0].voice is not None and len(voices[0].voice) > 1000
        assert voices[1].voice is None  # no upload: the file_id alone
        assert voices[1].voice_file_id == voices[0].voice_file_id
        assert first.voice is not None and second.voice is not None
        assert (tracks.built, tracks.uploads) == (1, 1)
        # A restart keeps the rendered file on disk and the file_id in the database.
        again = VoiceTracks(tmp_path / "cache")
        assert await again.track_bytes(spec) == voices[0].voice
        assert again.built == 0
        # A file_id Telegram refuses is dropped and the track uploaded again.
        kit.request.fail_next["sendVoice"] = (400, "Bad Request: wrong file identifier")
        await again.send(context, kit.storage, 44, spec, "Set 1")
        assert kit.request.sent[-1].voice == voices[0].voice
        assert again.uploads == 1


async def test_fake_bot_api_accepts_a_voice_upload_then_its_file_id() -> None:
    server = FakeBotServer()
    server.start()
    try:
        person = server.user(5005, "Vera")
        data = render_track(TrackSpec("rehab", REHAB, 1, "en"), load_clips("en"))
        async with Bot(server.token, base_url=server.url) as tg:
            first = await tg.send_voice(person.id, InputFile(data, filename="t.ogg"), duration=6)
            assert first.voice is not None
            again = await tg.send_voice(person.id, first.voice.file_id, duration=6)
            assert again.voice is not None and again.voice.file_id == first.voice.file_id
        assert [m.kind for m in person.messages()] == ["voice", "voice"]
    finally:
        server.stop()
