"""Voice pacing: one OGG/Opus voice note per set, built once, cached on disk and by file_id.

A track is the same file for everyone with the same preset, reps, hold and language, so it is
rendered once (in a worker thread, off the event loop), kept on disk, uploaded once, and later
sent by Telegram's file_id: a tiny request whatever the load.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
import os
import tempfile
from dataclasses import astuple, dataclass
from pathlib import Path

import soundfile as sf
from telegram import InputFile, Message
from telegram.error import BadRequest

from coach import pacing, voice
from content.model import Cadence
from content.voice import VoiceClips, available_languages, load_clips
from handlers.context import Ctx
from storage import Storage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrackSpec:
    """What makes a track distinct: preset, cadence (hold included), reps and language."""

    preset: str
    cadence: Cadence
    reps: int
    language: str

    @property
    def duration_s(self) -> int:
        """Seconds of the track: the set's timeline."""
        return pacing.set_duration(self.cadence, self.reps)


def voice_language(language: str) -> str:
    """The clips' language for a user's language: their own if it has clips, else English."""
    return language if language in available_languages() else "en"


def encode_ogg(samples: voice.Samples) -> bytes:
    """Mono samples at coach.voice.RATE as OGG/Opus bytes (what sendVoice wants)."""
    out = io.BytesIO()
    sf.write(out, samples, voice.RATE, format="OGG", subtype="OPUS")
    return out.getvalue()


def render_track(spec: TrackSpec, clips: VoiceClips) -> bytes:
    """Mix and encode one set's track (CPU-bound: run it in a worker thread)."""
    return encode_ogg(voice.set_track(spec.cadence, spec.reps, clips.clips))


class VoiceTracks:
    """Tracks by spec: disk cache, file_id cache (storage), and one build/upload per track."""

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = cache_dir
        self._clips: dict[str, VoiceClips] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self.built = 0  # tracks rendered by this process (tests and benchmarks read it)
        self.uploads = 0

    def clips(self, language: str) -> VoiceClips:
        """A language's clips, read once."""
        found = self._clips.get(language)
        if found is None:
            found = self._clips[language] = load_clips(language)
        return found

    def key(self, spec: TrackSpec) -> str:
        """The cache key: readable parts plus a digest of the cadence, clips and mix version."""
        clips = self.clips(spec.language)
        parts = repr((astuple(spec.cadence), clips.digest, voice.MIX_VERSION)).encode()
        digest = hashlib.sha256(parts).hexdigest()[:10]
        return f"{spec.preset}-{spec.reps}r-{spec.cadence.hold_s}h-{spec.language}-{digest}"

    def _lock(self, key: str) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock

    async def track_bytes(self, spec: TrackSpec) -> bytes:
        """The encoded track from the disk cache, rendered (off the loop) and stored if missing."""
        key = self.key(spec)
        path = self.cache_dir / f"{key}.ogg"
        async with self._lock(key):
            if path.is_file():
                return await asyncio.to_thread(path.read_bytes)
            data = await asyncio.to_thread(render_track, spec, self.clips(spec.language))
            self.built += 1
            await asyncio.to_thread(_write_atomically, path, data)
            return data

    async def send(
        self, context: Ctx, storage: Storage, chat_id: int, spec: TrackSpec, caption: str
    ) -> Message:
        """Send the track as a voice note: by file_id when Telegram has it, else uploaded once."""
        key = self.key(spec)
        file_id = await storage.voice_file_id(key)
        if file_id is not None:
            try:
                return await context.bot.send_voice(
                    chat_id, file_id, caption=caption, duration=spec.duration_s
                )
            except BadRequest as exc:
                # A file_id from another bot token or a purged file: upload it again.
                log.warning("voice file_id for %s rejected (%s); uploading again", key, exc)
                await storage.forget_voice_file_id(key)
        async with self._lock(f"upload:{key}"):
            # Someone else may have uploaded it while this send waited for the lock.
            file_id = await storage.voice_file_id(key)
            if file_id is not None:
                return await context.bot.send_voice(
                    chat_id, file_id, caption=caption, duration=spec.duration_s
                )
            data = await self.track_bytes(spec)
            message = await context.bot.send_voice(
                chat_id,
                InputFile(data, filename=f"{key}.ogg"),
                caption=caption,
                duration=spec.duration_s,
            )
            self.uploads += 1
            if message.voice is not None:
                await storage.save_voice_file_id(key, message.voice.file_id, context.bot_data.now())
            return message


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
