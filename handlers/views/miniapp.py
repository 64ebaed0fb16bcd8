"""Words of the timer Mini App, sent with today's plan in the user's language (context "timer")."""

from __future__ import annotations

from handlers.views.i18n import NP_, pgettext

# The page's own English (web/static/app.js) is the fallback before the plan arrives.
PAGE_WORDS: dict[str, str] = {
    "outside": NP_(
        "timer",
        "This timer runs inside Telegram. "
        "Open it from the bot: send /workout, then tap Open timer.",
    ),
    "loadFailed": NP_(
        "timer", "Couldn't load today's plan. Close the timer and open it again from the chat."
    ),
    "notSetUp": NP_(
        "timer", "Finish setting up in the chat first (/start), then open the timer again."
    ),
    "title": NP_("timer", "Today · {preset}"),
    "setLabel": NP_("timer", "Set {number} of {of} · {side} leg · {reps} reps"),
    "chip": NP_("timer", "{side} {number}/{of}"),
    "left": NP_("timer", "left"),
    "right": NP_("timer", "right"),
    "start": NP_("timer", "Start"),
    "pause": NP_("timer", "Pause"),
    "resume": NP_("timer", "Resume"),
    "finish": NP_("timer", "Done"),
    "save": NP_("timer", "Log set"),
    "repsLabel": NP_("timer", "Reps done"),
    "lift": NP_("timer", "LIFT"),
    "hold": NP_("timer", "HOLD"),
    "lower": NP_("timer", "LOWER"),
    "ready": NP_("timer", "READY"),
    "paused": NP_("timer", "PAUSED"),
    "end": NP_("timer", "SET DONE"),
    "done": NP_("timer", "ALL DONE"),
    "rest": NP_("timer", "REST"),
    "repOf": NP_("timer", "rep {rep} of {reps}"),
    "countOf": NP_("timer", "count {count} · rep {rep} of {reps}"),
    "restLeft": NP_("timer", "next: set {number} of {of}, {side} leg"),
    "skipRest": NP_("timer", "Skip rest"),
    "saving": NP_("timer", "Logging…"),
    "logged": NP_("timer", "Logged ✓ — the chat has it too."),
    "taken": NP_("timer", "That set was already logged."),
    "saveFailed": NP_("timer", "Not logged yet (no connection?). Tap Log set to try again."),
    "allDone": NP_("timer", "All of today's sets are done. Nice work!"),
    "howMany": NP_("timer", "How many reps?"),
}


def page_words() -> dict[str, str]:
    """Every word of the page in the current language."""
    return {key: pgettext("timer", text) for key, text in PAGE_WORDS.items()}
