"""Voice clips as data: content/voice/<lang>/<word>.ogg, read into arrays for coach.voice."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from coach.voice import RATE, Samples, clip_names
from content.load import ContentError

VOICE_DIR = Path(__file__).resolve().parent / "voice"


@dataclass(frozen=True)
class VoiceClips:
    """One language's clips at coach.voice.RATE, with a digest of their bytes for cache keys."""

    language: str
    clips: dict[str, Samples]
    digest: str


def available_languages(root: Path = VOICE_DIR) -> tuple[str, ...]:
    """Languages with a clip folder."""
    if not root.is_dir():
        return ()
    return tuple(sorted(p.name for p in root.iterdir() if p.is_dir()))


def load_clips(language: str, root: Path = VOICE_DIR) -> VoiceClips:
    """Every clip of one language; a missing or unreadable clip is a ContentError naming it."""
    folder = root / language
    clips: dict[str, Samples] = {}
    digest = hashlib.sha256()
    for name in sorted(clip_names()):
        path = folder / f"{name}.ogg"
        try:
            raw = path.read_bytes()
            audio, rate = sf.read(path, dtype="float32", always_2d=False)
        except (OSError, RuntimeError, sf.LibsndfileError) as exc:
            raise ContentError(f"voice/{language}/{name}.ogg: cannot read clip: {exc}") from exc
        if rate != RATE or getattr(audio, "ndim", 0) != 1:
            raise ContentError(f"voice/{language}/{name}.ogg: must be mono at {RATE} Hz")
        clips[name] = np.asarray(audio, dtype=np.float32)
        digest.update(name.encode() + b"\0" + raw)
    return VoiceClips(language, clips, digest.hexdigest()[:12])
