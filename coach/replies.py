"""Free-text replies ("done 8 left", "3x10", "skip - knee hurt", "undo") parsed into a log intent.

Decisions, so the handlers and the help text can rely on them:

- The words, in five languages that mix freely, are in coach.reply_words (casefolded, no accents).

- Case, punctuation, emoji and spacing don't matter. ✅ ✔ ✓ ☑ and 👍 mean "done"; other emoji are
  ignored. A bare count ("8", "8 reps", "3x10", "3 sets of 10") logs without a verb.
- Side words: left/right and the short forms l/r/lt/rt, anywhere ("left done", "done 8 on the left
  leg"). Two different sides ("done left right") are ambiguous and not a log.
- "3x10" (also 3×10, 3 x 10, 3*10, "3 sets of 10") is 3 sets of 10 reps; "set 2 done" names the
  set (an ordinal, ignored), it is not 2 sets.
- Not a log: questions (any "?"), negations ("don't", "not done", "didn't finish"), "yes" or "ok"
  alone (only "done" logs, so a stray "yes" never writes a row), dates or times ("8 days ago",
  "done, yesterday": we can't backdate), decimals and negative numbers ("8.5", "-3"), two counts
  ("done 8 10"), "skip rest" (that is the rest timer, not a set), unknown words inside the command
  ("done with this bot"), slash commands.
- Words after a separator (, ; : . ! - — "but" "because") or starting with a pain, body or feeling
  word become the note: "done 8, knee hurt" logs 8 with note "knee hurt". The note is capped at
  NOTE_MAX characters and is never interpreted beyond the pain flags.
- Counts outside 1..MAX_REPS reps per set or 1..MAX_SETS sets come back as Absurd, including a bare
  "0" or "10000", so the handler explains instead of storing a row.
- Pain: `pain` is any pain word not negated ("it hurts", "knee hurt"; not "no pain", "pain-free",
  "didn't hurt"); `sharp_pain` is pain qualified as sharp/stabbing/shooting/severe (SPEC §7: stop
  the session). Pain mentioned without a log ("sharp pain", "ouch my knee") comes back as Pain, so
  the handler can give the safety advice instead of a generic hint; pain beats an Absurd count.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final, Literal, TypeAlias

from coach import reply_words as vocab
from coach.reply_words import fold

Side = Literal["left", "right"]
AbsurdReason = Literal["zero_reps", "too_many_reps", "zero_sets", "too_many_sets"]

MAX_REPS: Final = 100
MAX_SETS: Final = 10
NOTE_MAX: Final = 200


@dataclass(frozen=True)
class Done:
    """Log `sets` set(s); reps=None means the prescribed reps, side=None the leg the bot expects."""

    reps: int | None
    side: Side | None
    sets: int = 1
    note: str = ""
    sharp_pain: bool = False
    pain: bool = False


@dataclass(frozen=True)
class Skip:
    """Record a skipped set; the note is the user's reason, free text, never trusted."""

    side: Side | None
    note: str = ""
    sharp_pain: bool = False
    pain: bool = False


@dataclass(frozen=True)
class Undo:
    """Remove the last logged set."""


@dataclass(frozen=True)
class Absurd:
    """A log with a count out of range; reason is a code for the handler to explain, not text."""

    reason: AbsurdReason


@dataclass(frozen=True)
class Pain:
    """Pain reported without a log ("sharp pain", "my knee hurts"); sharp means stop (SPEC §7)."""

    sharp: bool
    note: str


LogIntent: TypeAlias = Done | Skip | Undo | Absurd | Pain

# Longer digit strings are "too many" without int(): int() refuses over 4,300 digits.
_MAX_DIGITS: Final = 9
_HUGE: Final = 10**_MAX_DIGITS
_PAIN_NEGATION_WINDOW: Final = 3
_NO_PAIN_AFTER: Final = (["free"], ["0"], ["zero"], ["none"])  # "pain-free" is one word already
_SHARP_WINDOW: Final = 3

_TOKEN_RE: Final = re.compile(
    r"""
    (?P<dec>\d+(?:[.,]\d+)+)                      # 8.5, 10,000: not a count we accept
    |(?P<neg>(?<!\w)[-\u2212]\d+)                 # -3
    |(?P<num>\d+)
    |(?P<word>[^\W\d_]+(?:['-][^\W\d_]+)*)        # don't, pain-free
    |(?P<mult>[×*])
    |(?P<sep>[,;:.!¡¿()\[\]\-\u2013\u2014\u2212\u2026]+)
    |(?P<other>\S)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Token:
    kind: str  # a _TOKEN_RE group name: num, word, mult, dec, neg or other
    text: str
    start: int
    after_sep: bool
    value: int | None = None


def parse_reply(text: str) -> LogIntent | None:
    """Parse a free-text reply into a log intent, or None if it isn't one."""
    norm = _normalize(text)
    if not norm or norm.startswith("/") or "?" in norm:
        return None
    tokens = _tokenize(norm)
    pain, sharp = _pain_flags(tokens)
    intent = _parse_tokens(tokens, norm, pain=pain, sharp=sharp)
    if pain and (intent is None or isinstance(intent, Absurd)):
        return Pain(sharp=sharp, note=_clip(norm))
    return intent


def _normalize(text: str) -> str:
    """NFKC, done-emoji to the word, other symbols and control characters out, spaces collapsed."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFKC", text):
        if ch in vocab.DONE_EMOJI:
            out.append(" done ")
        elif ch in vocab.APOSTROPHES:
            out.append("'")
        elif ch.isspace():
            out.append(" ")
        else:
            category = unicodedata.category(ch)
            if category in ("So", "Sk"):
                out.append(" ")
            elif category[0] == "C" or category in ("Mn", "Me"):
                continue
            else:
                out.append(ch)
    return " ".join("".join(out).split())


def _tokenize(norm: str) -> list[_Token]:
    tokens: list[_Token] = []
    after_sep = True
    for match in _TOKEN_RE.finditer(norm):
        kind = match.lastgroup
        raw = match.group()
        if kind == "sep":
            after_sep = True
            continue
        low = fold(raw)
        if kind == "num":
            value = int(raw) if len(raw) <= _MAX_DIGITS else _HUGE
            tokens.append(_Token("num", low, match.start(), after_sep, value))
        elif kind == "word" and low in vocab.NUMBER_WORDS:
            tokens.append(_Token("num", low, match.start(), after_sep, vocab.NUMBER_WORDS[low]))
        else:
            tokens.append(_Token(str(kind), low, match.start(), after_sep))
        after_sep = False
    return tokens


def _pain_flags(tokens: list[_Token]) -> tuple[bool, bool]:
    """(pain, sharp_pain): a pain word not negated just before it or followed by "free"."""
    words = [t.text for t in tokens]
    pain = sharp = False
    clause = 0  # a negation doesn't reach past a separator: "not done, it hurts" is pain
    for i, word in enumerate(words):
        if tokens[i].after_sep:
            clause = i
        if word not in vocab.PAIN_WORDS:
            continue
        before = words[max(clause, i - _PAIN_NEGATION_WINDOW) : i]
        if any(w in vocab.NEGATORS for w in before) or words[i + 1 : i + 2] in _NO_PAIN_AFTER:
            continue
        pain = True
        near = words[max(0, i - _SHARP_WINDOW) : i + _SHARP_WINDOW + 1]
        if any(w in vocab.SHARP_WORDS for w in near):
            sharp = True
    return pain, sharp


def _parse_tokens(tokens: list[_Token], norm: str, *, pain: bool, sharp: bool) -> LogIntent | None:
    for i, token in enumerate(tokens):
        if token.text in vocab.UNDO_VERBS:
            return _parse_undo(tokens)
        if token.text in vocab.SKIP_VERBS:
            return _parse_skip(tokens, i, norm, pain=pain, sharp=sharp)
        if token.text in vocab.DONE_VERBS:
            break
    return _parse_done(tokens, norm, pain=pain, sharp=sharp)


def _parse_undo(tokens: list[_Token]) -> Undo | None:
    return Undo() if all(t.text in vocab.UNDO_WORDS for t in tokens) else None


def _parse_skip(
    tokens: list[_Token], verb: int, norm: str, *, pain: bool, sharp: bool
) -> Skip | None:
    side: Side | None = None
    for token in tokens[:verb]:
        if token.text in vocab.SIDES:
            if side not in (None, vocab.SIDES[token.text]):
                return None
            side = vocab.SIDES[token.text]
        elif token.text not in vocab.FILLERS and token.text not in vocab.SKIP_PREFIX:
            return None
    j = verb + 1
    objects_only = True
    while j < len(tokens):
        token = tokens[j]
        if token.after_sep:
            break
        if token.text in vocab.REST_WORDS and objects_only:
            return None  # "skip rest" / "skip the rest" is the rest timer, not a set
        if token.text in vocab.SIDES:
            if side not in (None, vocab.SIDES[token.text]):
                return None
            side = vocab.SIDES[token.text]
        elif token.text in vocab.SET_WORDS and _is_ordinal(tokens, j):
            j += _ordinal_length(tokens, j)
            continue
        elif token.text not in vocab.SKIP_OBJECTS:
            break
        if token.text not in ("the", "this", "that"):
            objects_only = False
        j += 1
    note = _clip(norm[tokens[j].start :]) if j < len(tokens) else ""
    return Skip(side=side, note=note, sharp_pain=sharp, pain=pain)


def _is_ordinal(tokens: list[_Token], i: int) -> bool:
    """ "set 2" (a set's number) as opposed to "2 sets" or "set 3x10"."""
    nxt = _at(tokens, i + 1)
    after = _at(tokens, i + 2)
    if nxt is None or nxt.kind != "num":
        return False
    return after is None or (
        after.text not in vocab.SET_WORDS and after.text not in vocab.MULT_WORDS
    )


def _ordinal_length(tokens: list[_Token], i: int) -> int:
    """Tokens taken by "set N" or "set N of M"."""
    of, total = _at(tokens, i + 2), _at(tokens, i + 3)
    if of is not None and of.text in vocab.LINK_WORDS and total is not None and total.kind == "num":
        return 4
    return 2


def _at(tokens: list[_Token], i: int) -> _Token | None:
    return tokens[i] if 0 <= i < len(tokens) else None


def _starts_note(tokens: list[_Token], i: int) -> bool:
    token = tokens[i]
    if (
        token.text
        in vocab.PAIN_WORDS
        | vocab.SHARP_WORDS
        | vocab.BODY_WORDS
        | vocab.FEELING_WORDS
        | vocab.CONJUNCTIONS
    ):
        return True
    # "done no pain": the negation belongs to the note, not to "done".
    following = [t.text for t in tokens[i + 1 : i + 3]]
    return token.text in vocab.NEGATORS and any(w in vocab.PAIN_WORDS for w in following)


def _is_command_word(word: str) -> bool:
    return word in vocab.FILLERS or word in vocab.REP_WORDS or word in vocab.SET_WORDS


def _clause_is_command(tokens: list[_Token], i: int) -> bool:
    """Whether the clause starting at i reads as more of the command ("ok, done", "done! 8 left").

    Otherwise the whole clause is the note: "done - it didn't hurt" keeps "it".
    """
    for j in range(i, len(tokens)):
        token = tokens[j]
        if j > i and token.after_sep:
            return True
        word = token.text
        if token.kind == "num" or token.kind == "mult":
            continue
        if word in vocab.DONE_VERBS or word in vocab.SIDES or word == "x" or _is_command_word(word):
            continue
        return False
    return True


def _parse_done(
    tokens: list[_Token], norm: str, *, pain: bool, sharp: bool
) -> Done | Absurd | None:
    verb = False
    reps: int | None = None
    sets: int | None = None
    side: Side | None = None
    note = ""
    i = 0
    while i < len(tokens):
        token = tokens[i]
        head = verb or reps is not None or sets is not None
        if token.text in vocab.TIME_WORDS:
            return None  # a log is for now; we don't backdate ("done, yesterday")
        if head and token.after_sep and not _clause_is_command(tokens, i):
            note = _clip(norm[token.start :])
            break
        if token.kind == "num":
            nxt, after = _at(tokens, i + 1), _at(tokens, i + 2)
            assert token.value is not None
            if (
                nxt is not None
                and nxt.text in vocab.MULT_WORDS
                and after is not None
                and after.kind == "num"
            ):
                if reps is not None or sets is not None:
                    return None
                assert after.value is not None
                sets, reps = token.value, after.value
                i += 3
                continue
            if nxt is not None and nxt.text in vocab.SET_WORDS:
                if sets is not None:
                    return None
                sets = token.value
                i += 2
                # "3 sets of 10" / "3 sets x 10"
                link, count = _at(tokens, i), _at(tokens, i + 1)
                if (
                    link is not None
                    and (link.text in vocab.LINK_WORDS or link.text in vocab.MULT_WORDS)
                    and count is not None
                    and count.kind == "num"
                ):
                    if reps is not None:
                        return None
                    assert count.value is not None
                    reps = count.value
                    i += 2
                continue
            if reps is not None:
                return None  # two counts: "done 8 10"
            reps = token.value
            # "10x" = ten times
            i += 2 if nxt is not None and nxt.text == "x" and not nxt.after_sep else 1
            continue
        if token.text in vocab.SET_WORDS and _is_ordinal(tokens, i):
            i += _ordinal_length(tokens, i)
            continue
        if token.text in vocab.DONE_VERBS:
            verb = True
        elif token.text in vocab.SIDES:
            if side not in (None, vocab.SIDES[token.text]):
                return None
            side = vocab.SIDES[token.text]
        elif (
            token.text == "all" and _at(tokens, i + 1) is not None and tokens[i + 1].text == "right"
        ):
            i += 2  # "all right", not the right leg
            continue
        elif _is_command_word(token.text):
            pass
        elif head and token.kind == "word" and _starts_note(tokens, i):
            note = _clip(norm[token.start :])
            break
        else:
            return None
        i += 1
    if not verb and reps is None and sets is None:
        return None
    if sets is not None and sets < 1:
        return Absurd("zero_sets")
    if sets is not None and sets > MAX_SETS:
        return Absurd("too_many_sets")
    if reps is not None and reps < 1:
        return Absurd("zero_reps")
    if reps is not None and reps > MAX_REPS:
        return Absurd("too_many_reps")
    return Done(reps=reps, side=side, sets=sets or 1, note=note, sharp_pain=sharp, pain=pain)


def _clip(note: str) -> str:
    return note[:NOTE_MAX].strip()
