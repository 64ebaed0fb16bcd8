"""Make the short spoken clips of the voice track once, with espeak-ng and sox (run by hand).

    python scripts/make_voice_clips.py [--lang en]

Each word becomes content/voice/<lang>/<name>.ogg: 16 kHz mono Opus, leading and trailing
silence trimmed, peak-normalised. The clips are committed; the bot never runs espeak-ng.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent
RATE = 16_000
NUMBERS: tuple[str, ...] = ("one", "two", "three", "four", "five", "six", "seven", "eight")
NUMBERS += ("nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen")
# name -> what espeak-ng says, per language.
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "lift": "lift",
        "hold": "hold",
        "lower": "lower",
        "rest": "rest",
        "done": "done",
        **{str(n): word for n, word in enumerate(NUMBERS, start=1)},
    },
}
VOICES = {"en": "en-us"}


def make_clip(text: str, voice: str, out: Path) -> float:
    """Speak `text` into `out` (Opus); returns its duration in seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.wav"
        trimmed = Path(tmp) / "trimmed.wav"
        subprocess.run(
            ["espeak-ng", "-v", voice, "-s", "175", "-a", "180", "-w", str(raw), text], check=True
        )
        # silence, reverse, silence, reverse trims both ends; norm: every word at the same peak.
        trim = ("silence", "1", "0.02", "0.5%", "reverse")
        resample = ("-r", str(RATE), "-c", "1")
        subprocess.run(
            ["sox", str(raw), *resample, str(trimmed), *trim, *trim, "norm", "-1"], check=True
        )
        audio, rate_read = sf.read(trimmed, dtype="float32")
        rate = int(rate_read)
    # Short fades so a clip never starts or stops with a click.
    ramp = min(len(audio) // 4, rate // 100)
    audio[:ramp] *= np.linspace(0.0, 1.0, ramp, dtype=np.float32)
    audio[len(audio) - ramp :] *= np.linspace(1.0, 0.0, ramp, dtype=np.float32)
    sf.write(out, np.asarray(audio), rate, format="OGG", subtype="OPUS", compression_level=0.6)
    return len(audio) / float(rate)


def main(argv: list[str] | None = None) -> int:
    """Write every clip of the chosen languages and print their sizes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", action="append", choices=sorted(WORDS))
    args = parser.parse_args(argv)
    for lang in args.lang or sorted(WORDS):
        folder = ROOT / "content" / "voice" / lang
        folder.mkdir(parents=True, exist_ok=True)
        total = 0
        for name, text in WORDS[lang].items():
            out = folder / f"{name}.ogg"
            seconds = make_clip(text, VOICES[lang], out)
            size = out.stat().st_size
            total += size
            print(f"{lang}/{name}.ogg  {seconds:.2f} s  {size} bytes")
        print(f"{lang}: {len(WORDS[lang])} clips, {total} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
