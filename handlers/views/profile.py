"""Words of the bot's profile: the description in an empty chat and the short one on its page."""

from __future__ import annotations

# Telegram's limits: the description up to 512 characters, the short description up to 120.
DESCRIPTION = (
    "A coach for one exercise: the medial leg raise (side-lying inner-thigh lift), for knee "
    "health and the Army PRT Hip Stability Drill.\n\n"
    "I teach the movement step by step, pace every rep and hold in the chat, log a set when you "
    'reply "done", and remind you every other day at your local time.\n\n'
    "Tap Start to set up in four questions. Not medical advice: stop if it hurts."
)
SHORT_DESCRIPTION = (
    'Medial leg raise coach: learn it, get paced rep by rep, log with "done", reminders '
    "every other day."
)
