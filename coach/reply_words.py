"""The words replies are read by: English, Russian, Spanish, German and Brazilian Portuguese.

coach.replies holds the grammar; these tables put each language's words in the same categories,
so "готово 8", "hecho 8 izquierda", "8 links" and "pronto 8 esquerda" read like "done 8", and
languages mix freely ("done 8 левой"). Words are matched casefolded and with accents removed
(`fold`), so "überspringen", "uberspringen" and "ÜBERSPRINGEN" are one word.

Left out on purpose, because they mean something else in another of the five languages: "no" as a
Portuguese preposition ("no lado") is a negator in English and Spanish; "um" (pt 1) is an English
hesitation; "once" (es 11) is English "one time"; "ein" (de "a") is not counted as a number.
"""

from __future__ import annotations

import unicodedata
from typing import Final, Literal

Side = Literal["left", "right"]


DONE_EMOJI: Final = frozenset("\u2705\u2714\u2713\u2611\U0001f44d")
APOSTROPHES: Final = frozenset("\u2018\u2019\u02bc\u0060\u00b4")


def fold(word: str) -> str:
    """Casefold and strip accents: "Rückgängig" -> "ruckgangig", "всё" -> "все"."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def _words(text: str) -> frozenset[str]:
    return frozenset(fold(word) for word in text.split())


_DONE_VERBS_OTHERS: Final = _words(
    """
    готово готов готова сделал сделала сделали сделано выполнил выполнила выполнено закончил
    закончила
    listo lista hecho hecha hice terminé terminado terminada completado completada acabé
    fertig gemacht erledigt geschafft
    feito feita pronto pronta fiz terminei concluído concluí completei
    """
)
_SKIP_VERBS_OTHERS: Final = _words(
    """
    пропуск пропускаю пропустить пропустил пропустила пропущен
    saltar salto salté saltado omitir omito omití
    überspringen überspringe übersprungen auslassen ausgelassen
    pular pulei pulo pulado
    """
)
_UNDO_VERBS_OTHERS: Final = _words(
    "отмена отменить отмени отменяю deshacer deshaz rückgängig desfazer"
)
_SIDES_OTHERS: Final[dict[str, Side]] = {
    **dict.fromkeys(
        _words(
            """
            левой левая левую левый левое левом левая слева лев
            izquierda izquierdo izq izda
            links linke linken linkes linker li
            esquerda esquerdo esq
            """
        ),
        "left",
    ),
    **dict.fromkeys(
        _words(
            """
            правой правая правую правый правое правом справа
            derecha derecho dcha
            rechts rechte rechten rechtes rechter
            direita direito
            """
        ),
        "right",
    ),
}
_REP_WORDS_OTHERS: Final = _words(
    """
    раз раза повтор повтора повторов повторение повторения повторений
    repeticiones repetición repeticion veces
    wiederholungen wiederholung wdh mal
    repetições repetição vezes
    """
)
_SET_WORDS_OTHERS: Final = _words(
    "подход подхода подходов сет сета сетов serie series satz sätze série séries"
)
# "3 подхода по 10", "3 series de 10", "3 Sätze à 10": like "3 sets of 10"; "подход 2 из 3".
_LINK_WORDS_OTHERS: Final = _words("of по из de à mit zu von")
_MULT_WORDS_OTHERS: Final = _words("х")  # Cyrillic ha: "3х10"
_FILLERS_OTHERS: Final = _words(
    """
    я мы ты все уже ок окей да хорошо отлично ну вот это на ногой нога ноги ногу сторона стороне
    сторону сегодня ещё тоже спасибо с со и
    ya vale si sí bien la el lo con pierna lado en hoy otra otro gracias también mi he ha está y
    ich bin habe hab ist jetzt schon ja gut super dem der die das den bein seite auf heute noch
    danke auch und
    eu já sim bem o com perna lado na em hoje outra outro obrigado obrigada também minha meu
    está e
    """
)
_SKIP_PREFIX_OTHERS: Final = _words("хочу буду надо quiero voy a tengo que ich will muss vou quero")
_SKIP_OBJECTS_OTHERS: Final = _words(
    "этот эту этот подход сегодня la el este esta hoy den diesen satz heute a o este esta hoje"
)
_REST_WORDS_OTHERS: Final = _words("отдых отдыха перерыв descanso ruhe pausa")
_UNDO_WORDS_OTHERS: Final = (
    _words(
        """
    последний последнее последнюю подход запись machen letzten letzte letzter satz último
    última ultimo ultima serie série
    """
    )
    | _UNDO_VERBS_OTHERS
)
_NEGATORS_OTHERS: Final = _words(
    """
    не нет ни без
    no sin nunca nada tampoco
    nicht kein keine keinen keiner ohne nie
    não sem nunca nada nem
    """
)
_PAIN_WORDS_OTHERS: Final = _words(
    """
    боль боли болью больно болит болят болело болела болели
    dolor dolores duele duelen dolió doloroso dolorosa
    schmerz schmerzen schmerzt schmerzte weh autsch
    dor dores dói doeu doendo doloroso dolorosa
    """
)
_SHARP_WORDS_OTHERS: Final = _words(
    """
    острая острой острую острый резкая резкой резкую резкий колющая колющей стреляющая
    сильная сильной сильную
    agudo aguda punzante fuerte intenso intensa
    stechend stechende stechender stechenden scharf scharfe scharfer scharfen starke starker
    heftig heftige
    forte fortes pontada lancinante intensa
    """
)
_BODY_WORDS_OTHERS: Final = _words(
    """
    колено колени коленом бедро бедра таз спина поясница пах
    rodilla rodillas cadera muslo espalda ingle
    knie hüfte oberschenkel rücken leiste
    joelho joelhos quadril coxa costas virilha
    """
)
_FEELING_WORDS_OTHERS: Final = _words(
    """
    легко тяжело трудно устал устала
    fácil difícil duro dura cansado cansada
    leicht schwer anstrengend müde
    pesado pesada
    """
)
_TIME_WORDS_OTHERS: Final = _words(
    """
    вчера завтра назад дня дней день неделю неделе утром вечером
    ayer mañana hace días semana
    gestern morgen tagen tage woche
    ontem amanhã atrás dias semana
    """
)
_CONJUNCTIONS_OTHERS: Final = _words(
    "но потому хотя pero porque aunque aber weil denn obwohl mas porque embora"
)
_COUNTING: Final = (
    "один два три четыре пять шесть семь восемь девять десять одиннадцать двенадцать тринадцать"
    " четырнадцать пятнадцать",
    "uno dos tres cuatro cinco seis siete ocho nueve diez",
    "eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf",
    "uma dois três quatro cinco seis sete oito nove dez",
)
_NUMBER_WORDS_OTHERS: Final[dict[str, int]] = {
    **{
        fold(word): value
        for words in _COUNTING
        for value, word in enumerate(words.split(), start=1)
    },
    **{fold(word): value for word, value in (("одна", 1), ("две", 2), ("una", 1), ("duas", 2))},
}

# The tables the grammar reads: English words plus the other languages'.
DONE_VERBS: Final = (
    frozenset({"done", "did", "finished", "finish", "complete", "completed"}) | _DONE_VERBS_OTHERS
)
SKIP_VERBS: Final = frozenset({"skip", "skipped", "skipping", "skips"}) | _SKIP_VERBS_OTHERS
UNDO_VERBS: Final = frozenset({"undo"}) | _UNDO_VERBS_OTHERS
SIDES: Final[dict[str, Side]] = {
    "left": "left",
    "l": "left",
    "lt": "left",
    "right": "right",
    "r": "right",
    "rt": "right",
    **_SIDES_OTHERS,
}
REP_WORDS: Final = (
    frozenset({"rep", "reps", "repetition", "repetitions", "times"}) | _REP_WORDS_OTHERS
)
SET_WORDS: Final = frozenset({"set", "sets"}) | _SET_WORDS_OTHERS
MULT_WORDS: Final = frozenset({"x", "×", "*"}) | _MULT_WORDS_OTHERS
LINK_WORDS: Final = _LINK_WORDS_OTHERS
FILLERS: Final = frozenset(
    {
        # Acknowledgements that may surround "done" but never log on their own.
        "ok", "okay", "k", "kk", "yes", "yep", "yup", "yeah", "ya", "sure", "alright", "good",
        "great", "nice", "cool", "perfect", "awesome", "finally", "phew", "yay",
        # Pronouns, articles and the like: "I'm done", "did a set on the left leg".
        "i", "im", "i'm", "ive", "i've", "we", "we're", "am", "is", "was", "it's", "its", "that's",
        "thats", "have", "has", "had", "been", "just", "all", "now", "today", "this", "that", "it",
        "the", "a", "my", "on", "in", "of", "leg", "side", "please", "pls", "thanks", "thank",
        "you", "thx", "ty", "again", "also", "too", "so", "well", "there", "got", "last",
        "first", "final", "another",
    }
) | _FILLERS_OTHERS  # fmt: skip
SKIP_PREFIX: Final = frozenset(
    {"want", "to", "gonna", "going", "will", "i'll", "ill", "need", "must", "gotta", "let's",
     "lets", "have", "might"}
) | _SKIP_PREFIX_OTHERS  # fmt: skip
SKIP_OBJECTS: Final = frozenset(
    {"the", "this", "that", "it", "one", "set", "leg", "side", "on", "my", "today", "please",
     "now", "again", "a"}
) | _SKIP_OBJECTS_OTHERS  # fmt: skip
REST_WORDS: Final = frozenset({"rest", "resting", "break", "pause", "timer"}) | _REST_WORDS_OTHERS
UNDO_WORDS: Final = frozenset(
    {"undo", "last", "that", "it", "the", "set", "one", "please", "pls", "oops", "whoops",
     "sorry", "ok", "okay", "my", "mistake", "previous", "entry", "log", "wrong", "a"}
) | _UNDO_WORDS_OTHERS  # fmt: skip
NEGATORS: Final = frozenset(
    {"no", "not", "without", "never", "nothing", "zero", "don't", "dont", "doesn't", "doesnt",
     "didn't", "didnt", "isn't", "isnt", "wasn't", "wasnt", "won't", "wont", "can't", "cant",
     "cannot", "couldn't", "couldnt", "haven't", "havent", "hasn't", "hasnt", "nope", "nah",
     "yet"}
) | _NEGATORS_OTHERS  # fmt: skip
PAIN_WORDS: Final = frozenset(
    {"pain", "pains", "painful", "hurt", "hurts", "hurting", "ache", "aches", "aching", "achy",
     "ouch", "ow", "owch", "twinge", "injured", "injury"}
) | _PAIN_WORDS_OTHERS  # fmt: skip
SHARP_WORDS: Final = frozenset(
    {"sharp", "sharply", "stabbing", "shooting", "severe", "searing", "excruciating",
     "unbearable"}
) | _SHARP_WORDS_OTHERS  # fmt: skip
BODY_WORDS: Final = frozenset(
    {"knee", "knees", "hip", "hips", "thigh", "thighs", "groin", "ankle", "foot", "muscle",
     "muscles", "back"}
) | _BODY_WORDS_OTHERS  # fmt: skip
FEELING_WORDS: Final = frozenset(
    {"felt", "feel", "feels", "feeling", "easy", "easier", "hard", "harder", "tough", "tired",
     "difficult", "wobbly", "shaky", "burn", "burns", "burning", "heavy"}
) | _FEELING_WORDS_OTHERS  # fmt: skip
TIME_WORDS: Final = frozenset(
    {"yesterday", "tomorrow", "ago", "day", "days", "week", "weeks", "earlier", "later",
     "morning", "evening", "tonight"}
) | _TIME_WORDS_OTHERS  # fmt: skip
CONJUNCTIONS: Final = (
    frozenset({"but", "because", "bc", "cause", "though", "although", "since"})
    | _CONJUNCTIONS_OTHERS
)
NUMBER_WORDS: Final[dict[str, int]] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20,
    **_NUMBER_WORDS_OTHERS,
}  # fmt: skip
