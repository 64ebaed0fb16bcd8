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
# Numbers 1..15 as a coach counts them aloud (reps, hold countdown, the Army 4-count).
COUNTS: dict[str, tuple[str, ...]] = {
    "en": NUMBERS,
    # «раз» rather than «один»: how Russian coaches count reps aloud.
    "ru": tuple(
        [
            "раз",
            "два",
            "три",
            "четыре",
            "пять",
            "шесть",
            "семь",
            "восемь",
            "девять",
            "десять",
            "одиннадцать",
            "двенадцать",
            "тринадцать",
            "четырнадцать",
            "пятнадцать",
        ]
    ),
    "es": tuple(
        [
            "uno",
            "dos",
            "tres",
            "cuatro",
            "cinco",
            "seis",
            "siete",
            "ocho",
            "nueve",
            "diez",
            "once",
            "doce",
            "trece",
            "catorce",
            "quince",
        ]
    ),
    "de": tuple(
        [
            "eins",
            "zwei",
            "drei",
            "vier",
            "fünf",
            "sechs",
            "sieben",
            "acht",
            "neun",
            "zehn",
            "elf",
            "zwölf",
            "dreizehn",
            "vierzehn",
            "fünfzehn",
        ]
    ),
    # Brazilian "quatorze" (European Portuguese says "catorze").
    "pt": tuple(
        [
            "um",
            "dois",
            "três",
            "quatro",
            "cinco",
            "seis",
            "sete",
            "oito",
            "nove",
            "dez",
            "onze",
            "doze",
            "treze",
            "quatorze",
            "quinze",
        ]
    ),
}
# The phase words a coach calls in each language: lift, hold, lower, rest, done.
PHASES: dict[str, dict[str, str]] = {
    "en": {"lift": "lift", "hold": "hold", "lower": "lower", "rest": "rest", "done": "done"},
    # Gym Russian: «вверх / держим / вниз» (coach's inclusive "we" for the hold).
    "ru": {"lift": "вверх", "hold": "держим", "lower": "вниз", "rest": "отдых", "done": "готово"},
    # "aguanta" is the usual gym word for a hold in Spain and Latin America.
    "es": {
        "lift": "arriba",
        "hold": "aguanta",
        "lower": "abajo",
        "rest": "descanso",
        "done": "listo",
    },
    "de": {
        "lift": "hoch",
        "hold": "halten",
        "lower": "runter",
        "rest": "Satzpause",
        "done": "fertig",
    },
    # Brazilian gym speech: "sobe / segura / desce".
    "pt": {
        "lift": "sobe",
        "hold": "segura",
        "lower": "desce",
        "rest": "descanso",
        "done": "pronto",
    },
}
# name -> what espeak-ng says, per language.
WORDS: dict[str, dict[str, str]] = {
    lang: {**PHASES[lang], **{str(n): word for n, word in enumerate(COUNTS[lang], start=1)}}
    for lang in PHASES
}
VOICES = {"en": "en-us", "ru": "ru", "es": "es", "de": "de", "pt": "pt-br"}
# A clip must fit in a one-second beat after its tone (coach.voice.WORDS_AFTER_S): longer words
# are sped up with sox's tempo (pitch kept).
MAX_CLIP_S = 0.72


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
        if len(audio) / rate > MAX_CLIP_S:
            faster = Path(tmp) / "faster.wav"
            factor = f"{len(audio) / rate / (MAX_CLIP_S - 0.02):.3f}"
            subprocess.run(["sox", str(trimmed), str(faster), "tempo", "-s", factor], check=True)
            audio, _ = sf.read(faster, dtype="float32")
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
