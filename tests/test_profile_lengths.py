"""The bot's profile texts fit Telegram's limits in every language."""

from __future__ import annotations

import pytest

from handlers.views import profile
from handlers.views.i18n import speaking

LANGUAGES = ["en", "ru", "es", "de", "pt"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_descriptions_fit(language: str) -> None:
    with speaking(language):
        assert len(profile.description()) <= 512
        assert len(profile.short_description()) <= 120
