"""The words replies are read by, in Russian, Spanish, German and Brazilian Portuguese.

coach.replies holds the English words and the grammar; these tables add each language's words to the
same categories, so "готово 8", "hecho 8 izquierda", "8 links" and "pronto 8 esquerda" read like
"done 8", and languages mix freely ("done 8 левой"). Words are matched after casefolding and with
accents removed (`fold`), so "überspringen", "uberspringen" and "ÜBERSPRINGEN" are one word.

Left out on purpose, because they mean something else in another of the five languages: "no" as a
Portuguese preposition ("no lado") is a negator in English and Spanish; "um" (pt 1) is an English
hesitation; "once" (es 11) is English "one time"; "ein" (de "a") is not counted as a number.
"""

from __future__ import annotations

import unicodedata
from typing import Final, Literal

Side = Literal["left", "right"]


def fold(word: str) -> str:
    """Casefold and strip accents: "Rückgängig" -> "ruckgangig", "всё" -> "все"."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def _words(text: str) -> frozenset[str]:
    return frozenset(fold(word) for word in text.split())


DONE_VERBS: Final = _words(
    """
    готово готов готова сделал сделала сделали сделано выполнил выполнила выполнено закончил
    закончила
    listo lista hecho hecha hice terminé terminado terminada completado completada acabé
    fertig gemacht erledigt geschafft
    feito feita pronto pronta fiz terminei concluído concluí completei
    """
)
SKIP_VERBS: Final = _words(
    """
    пропуск пропускаю пропустить пропустил пропустила пропущен
    saltar salto salté saltado omitir omito omití
    überspringen überspringe übersprungen auslassen ausgelassen
    pular pulei pulo pulado
    """
)
UNDO_VERBS: Final = _words("отмена отменить отмени отменяю deshacer deshaz rückgängig desfazer")
SIDES: Final[dict[str, Side]] = {
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
REP_WORDS: Final = _words(
    """
    раз раза повтор повтора повторов повторение повторения повторений
    repeticiones repetición repeticion veces
    wiederholungen wiederholung wdh mal
    repetições repetição vezes
    """
)
SET_WORDS: Final = _words(
    "подход подхода подходов сет сета сетов serie series satz sätze série séries"
)
# "3 подхода по 10", "3 series de 10", "3 Sätze à 10": like "3 sets of 10"; "подход 2 из 3".
LINK_WORDS: Final = _words("of по из de à mit zu von")
MULT_WORDS: Final = _words("х")  # Cyrillic ha: "3х10"
FILLERS: Final = _words(
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
SKIP_PREFIX: Final = _words("хочу буду надо quiero voy a tengo que ich will muss vou quero")
SKIP_OBJECTS: Final = _words(
    "этот эту этот подход сегодня la el este esta hoy den diesen satz heute a o este esta hoje"
)
REST_WORDS: Final = _words("отдых отдыха перерыв descanso ruhe pausa")
UNDO_WORDS: Final = (
    _words(
        """
    последний последнее последнюю подход запись machen letzten letzte letzter satz último
    última ultimo ultima serie série
    """
    )
    | UNDO_VERBS
)
NEGATORS: Final = _words(
    """
    не нет ни без
    no sin nunca nada tampoco
    nicht kein keine keinen keiner ohne nie
    não sem nunca nada nem
    """
)
PAIN_WORDS: Final = _words(
    """
    боль боли болью больно болит болят болело болела болели
    dolor dolores duele duelen dolió doloroso dolorosa
    schmerz schmerzen schmerzt schmerzte weh autsch
    dor dores dói doeu doendo doloroso dolorosa
    """
)
SHARP_WORDS: Final = _words(
    """
    острая острой острую острый резкая резкой резкую резкий колющая колющей стреляющая
    сильная сильной сильную
    agudo aguda punzante fuerte intenso intensa
    stechend stechende stechender stechenden scharf scharfe scharfer scharfen starke starker
    heftig heftige
    forte fortes pontada lancinante intensa
    """
)
BODY_WORDS: Final = _words(
    """
    колено колени коленом бедро бедра таз спина поясница пах
    rodilla rodillas cadera muslo espalda ingle
    knie hüfte oberschenkel rücken leiste
    joelho joelhos quadril coxa costas virilha
    """
)
FEELING_WORDS: Final = _words(
    """
    легко тяжело трудно устал устала
    fácil difícil duro dura cansado cansada
    leicht schwer anstrengend müde
    pesado pesada
    """
)
TIME_WORDS: Final = _words(
    """
    вчера завтра назад дня дней день неделю неделе утром вечером
    ayer mañana hace días semana
    gestern morgen tagen tage woche
    ontem amanhã atrás dias semana
    """
)
CONJUNCTIONS: Final = _words(
    "но потому хотя pero porque aunque aber weil denn obwohl mas porque embora"
)
_COUNTING: Final = (
    "один два три четыре пять шесть семь восемь девять десять одиннадцать двенадцать тринадцать"
    " четырнадцать пятнадцать",
    "uno dos tres cuatro cinco seis siete ocho nueve diez",
    "eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf",
    "uma dois três quatro cinco seis sete oito nove dez",
)
NUMBER_WORDS: Final[dict[str, int]] = {
    **{
        fold(word): value
        for words in _COUNTING
        for value, word in enumerate(words.split(), start=1)
    },
    **{fold(word): value for word, value in (("одна", 1), ("две", 2), ("una", 1), ("duas", 2))},
}
