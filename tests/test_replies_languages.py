"""Replies in Russian, Spanish, German and Portuguese log like English ones, mixed freely."""

from __future__ import annotations

import pytest

from coach.replies import Absurd, Done, LogIntent, Pain, Skip, Undo, parse_reply
from coach.reply_words import fold

D = Done
PLAIN = Done(reps=None, side=None)

CASES: dict[str, list[tuple[str, LogIntent | None]]] = {
    "ru": [
        ("готово", PLAIN),
        ("Готово!", PLAIN),
        ("сделал 8", D(8, None)),
        ("сделала 8 раз", D(8, None)),
        ("8 левой", D(8, "left")),
        ("8 левой ногой", D(8, "left")),
        ("сделал 10 правой", D(10, "right")),
        ("готово восемь", D(8, None)),
        ("3х10", D(10, None, sets=3)),
        ("3 подхода по 10", D(10, None, sets=3)),
        ("пропуск", Skip(side=None)),
        ("пропуск левой", Skip(side="left")),
        ("отмена", Undo()),
        ("ГОТОВО 8 ЛЕВОЙ", D(8, "left")),
        ("done 8 левой", D(8, "left")),
        ("готово, колено болит", D(None, None, note="колено болит", pain=True)),
        ("готово без боли", D(None, None, note="без боли")),
        # Not a log.
        ("не готово", None),
        ("привет", None),
        ("да", None),
        ("готово?", None),
        ("сделал вчера", None),
        ("левой", None),
    ],
    "es": [
        ("listo", PLAIN),
        ("¡Listo!", PLAIN),
        ("hecho", PLAIN),
        ("hecho 8", D(8, None)),
        ("hecho 8 izquierda", D(8, "left")),
        ("Hecho 8 IZQUIERDA", D(8, "left")),
        ("hice 10 derecha", D(10, "right")),
        ("8 repeticiones pierna derecha", D(8, "right")),
        ("3 series de 10", D(10, None, sets=3)),
        ("hecho ocho", D(8, None)),
        ("saltar", Skip(side=None)),
        ("salto la izquierda", Skip(side="left")),
        ("deshacer", Undo()),
        ("done 8 izquierda", D(8, "left")),
        ("listo, me duele la rodilla", D(None, None, note="me duele la rodilla", pain=True)),
        ("listo sin dolor", D(None, None, note="sin dolor")),
        # Not a log.
        ("no hecho", None),
        ("todavía no", None),
        ("hola", None),
        ("sí", None),
        ("¿listo?", None),
        ("hecho ayer", None),
        ("saltar descanso", None),
    ],
    "de": [
        ("fertig", PLAIN),
        ("Fertig!", PLAIN),
        ("erledigt", PLAIN),
        ("8 links", D(8, "left")),
        ("fertig 8 links", D(8, "left")),
        ("10 rechts gemacht", D(10, "right")),
        ("8 Wiederholungen", D(8, None)),
        ("3 Sätze à 10", D(10, None, sets=3)),
        ("fertig acht", D(8, None)),
        ("überspringen", Skip(side=None)),
        ("ÜBERSPRINGEN", Skip(side=None)),
        ("uberspringen", Skip(side=None)),
        ("rechts überspringen", Skip(side="right")),
        ("rückgängig", Undo()),
        ("rückgängig machen", Undo()),
        ("done 8 links", D(8, "left")),
        ("fertig, das Knie tut weh", D(None, None, note="das Knie tut weh", pain=True)),
        # Not a log.
        ("nicht fertig", None),
        ("noch nicht", None),
        ("hallo", None),
        ("ja", None),
        ("fertig?", None),
        ("gestern fertig", None),
        ("Pause überspringen", None),
    ],
    "pt": [
        ("feito", PLAIN),
        ("Pronto!", PLAIN),
        ("feito 8", D(8, None)),
        ("pronto 8 esquerda", D(8, "left")),
        ("fiz 10 direita", D(10, "right")),
        ("8 repetições perna esquerda", D(8, "left")),
        ("8 repeticoes", D(8, None)),
        ("3 séries de 10", D(10, None, sets=3)),
        ("feito oito", D(8, None)),
        ("pular", Skip(side=None)),
        ("pulei a direita", Skip(side="right")),
        ("desfazer", Undo()),
        ("done 8 esquerda", D(8, "left")),
        ("feito, o joelho doeu", D(None, None, note="o joelho doeu", pain=True)),
        ("feito sem dor", D(None, None, note="sem dor")),
        # Not a log.
        ("não feito", None),
        ("ainda não", None),
        ("olá", None),
        ("sim", None),
        ("pronto?", None),
        ("fiz ontem", None),
        ("pular descanso", None),
    ],
}

SHARP = {
    "ru": ["острая боль", "резкая боль в колене"],
    "es": ["dolor agudo", "un dolor punzante en la rodilla"],
    "de": ["stechender Schmerz", "scharfe Schmerzen im Knie"],
    "pt": ["dor aguda", "senti uma pontada de dor no joelho"],
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [case for cases in CASES.values() for case in cases],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_reply(text: str, expected: LogIntent | None) -> None:
    assert parse_reply(text) == expected


def test_at_least_fifteen_phrasings_per_language_with_some_that_must_not_log() -> None:
    for language, cases in CASES.items():
        assert len(cases) >= 15, language
        assert sum(expected is None for _, expected in cases) >= 5, language


@pytest.mark.parametrize(("language", "text"), [(k, t) for k, ts in SHARP.items() for t in ts])
def test_sharp_pain_in_each_language_stops_like_english(language: str, text: str) -> None:
    intent = parse_reply(text)
    assert isinstance(intent, Pain) and intent.sharp, (language, intent)
    logged = parse_reply(f"done, {text}")
    assert isinstance(logged, Done) and logged.sharp_pain, (language, logged)


def test_absurd_counts_are_absurd_in_any_language() -> None:
    assert parse_reply("готово 100000") == Absurd("too_many_reps")
    assert parse_reply("hecho 0") == Absurd("zero_reps")


def test_fold_removes_case_and_accents_only() -> None:
    assert fold("Rückgängig") == "ruckgangig"
    assert fold("REPETIÇÕES") == "repeticoes"
    assert fold("ГОТОВО") == "готово"
