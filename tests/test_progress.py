"""/progress (summary + chart photo) and /history (pages), through the real application."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from coach.stats import ChartPoint
from handlers import chart, render
from tests.handlerkit import running_kit, visible_length
from tests.seeding import add_session
from tests.test_onboarding import START, onboard

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
NOV = date(2026, 11, 1)


def nov(day: int) -> date:
    return NOV + timedelta(days=day - 1)


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG_MAGIC)
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


async def seed_month(kit, user_id: int = 42) -> None:
    """Onboarded 22 Nov (first training day); 28 Nov only partial, so 29 Nov is due too."""
    storage = kit.storage
    await add_session(storage, user_id, nov(22), pain=1)
    await add_session(storage, user_id, nov(24), pain=2, reps=[10, 10, 8])
    await add_session(storage, user_id, nov(26), pain=0)
    await add_session(storage, user_id, nov(28), status="partial", reps=[10], pain=None)
    await add_session(storage, user_id, nov(29), pain=3)
    await add_session(storage, user_id, nov(30) + timedelta(days=1), pain=2)  # 1 Dec


async def test_progress_needs_a_profile(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        reply = (await kit.chat().send("/progress"))[-1]
        assert reply.text == render.need_start()
        reply = (await kit.chat().send("/history"))[-1]
        assert reply.text == render.need_start()


async def test_progress_without_history_says_how_to_start(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await onboard(chat)
        sent = await chat.send("/progress")
        assert [s.method for s in sent] == ["sendMessage"]
        assert "/workout" in sent[0].text and "nothing to chart" in sent[0].text
        assert (await chat.send("/history"))[-1].text == render.history_empty()
        assert kit.request.rejected == []


async def test_progress_sends_summary_and_chart(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await onboard(chat)
        await seed_month(kit)
        kit.set_now(datetime(2026, 12, 2, 11, 0, tzinfo=UTC))  # Wed 2 Dec, not a due day
        sent = await chat.send("/progress")
        assert [s.method for s in sent] == ["sendPhoto"]
        photo = sent[0]
        assert photo.photo is not None
        assert png_size(photo.photo) == (1200, 750)
        caption = photo.text
        assert visible_length(caption) <= 1024
        assert "Sessions: 6 (5 complete, 1 partial)" in caption
        # Due: 22, 24, 26, 28 (partial: missed), 29, 1 Dec; done: all but 28.
        assert "Last 4 weeks: 5 of 6 training days (83%)" in caption
        assert "Streak: 2 training days (best 3)" in caption
        # 30+28+30+10+30+30 = 158 reps on each leg over 6 sessions.
        assert "Reps, left leg: 158 (26 per session)" in caption
        assert "Reps, right leg: 158 (26 per session)" in caption
        assert "Last pain: 2/10" in caption
        assert "Dose now: 3 × 10 per leg, hold 2 s" in caption
        assert kit.request.rejected == []


async def test_one_leg_user_sees_only_that_leg(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await onboard(chat)
        await kit.storage.update_user(42, kit.now(), legs="left")
        await add_session(kit.storage, 42, nov(22), legs="left", reps=[12, 12])
        caption = (await chat.send("/progress"))[-1].text
        assert "Reps, left leg: 24" in caption
        assert "right leg" not in caption
        # Today's session counts: today was a training day and it is done.
        assert "Last 4 weeks: 1 of 1 training day (100%)" in caption
        assert "Streak: 1 training day (best 1)" in caption


async def test_partial_session_today_leaves_nothing_due(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await onboard(chat)
        await add_session(kit.storage, 42, nov(22), status="partial", reps=[10], pain=None)
        caption = (await chat.send("/progress"))[-1].text
        assert "Sessions: 1 (0 complete, 1 partial)" in caption
        assert "Last 4 weeks: no training day has been due yet" in caption
        assert "Streak: 0 training days (best 0)" in caption
        assert "Last pain: not rated yet" in caption


async def test_chart_is_drawn_in_another_process(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await onboard(chat)
        await add_session(kit.storage, 42, nov(22))
        await add_session(kit.storage, 42, nov(24), reps=[10, 10, 8])
        assert not chart.pool_started()
        sent = await chat.send("/progress")
        assert chart.pool_started()
        assert await chart.worker_pid() != os.getpid()
    photo = sent[-1].photo
    assert sent[-1].method == "sendPhoto" and photo is not None
    assert png_size(photo) == (1200, 750)
    # Application shutdown stopped the process.
    assert not chart.pool_started()


async def test_chart_failure_still_sends_the_figures(tmp_path: Path, monkeypatch) -> None:
    async def broken(points, legs, text):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(chart, "progress_chart", broken)
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await onboard(chat)
        await add_session(kit.storage, 42, nov(22))
        sent = await chat.send("/progress")
        assert [s.method for s in sent] == ["sendMessage"]
        assert "Sessions: 1" in sent[0].text


def test_chart_png_shapes() -> None:
    points = [
        ChartPoint(nov(1) + timedelta(days=2 * i), 30 + i, 28 + i, i % 4 if i % 3 else None)
        for i in range(12)
    ]
    png = chart.render_png(points, "both", render.chart_text())
    assert png_size(png) == (1200, 750)
    single = chart.render_png(points[:1], "right", render.chart_text())
    assert png_size(single) == (1200, 750)
    no_pain = [ChartPoint(nov(1), 10, 0, None)]
    assert png_size(chart.render_png(no_pain, "left", render.chart_text())) == (1200, 750)


def test_chart_keeps_the_latest_points_and_the_trained_legs() -> None:
    points = [ChartPoint(nov(1) + timedelta(days=i), 10, 0, None) for i in range(100)]
    shown = chart.latest(list(reversed(points)))
    assert len(shown) == chart.MAX_POINTS
    assert shown[0].local_date == points[100 - chart.MAX_POINTS].local_date
    assert shown[-1].local_date == points[-1].local_date
    assert chart.legs_to_plot(points, "left") == (True, False)
    assert chart.legs_to_plot(points, "both") == (True, True)
    # Reps logged on a leg the user no longer trains still show.
    assert chart.legs_to_plot([ChartPoint(nov(1), 0, 5, 1)], "left") == (True, True)


async def test_history_pages_past_ten(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await onboard(chat)
        first = nov(22)
        for n in range(23):
            await add_session(kit.storage, 42, first + timedelta(days=n), pain=n % 10)
        await add_session(
            kit.storage, 42, first + timedelta(days=23), left=[10, 8], right=[10], skipped=1
        )
        before = len(chat.messages())
        page = (await chat.send("/history"))[-1]
        lines = page.text.split("\n")
        assert lines[0] == "<b>Your sessions</b> (24) · page 1 of 3"
        assert len(lines) == 11
        assert (
            lines[1]
            == "<b>Tue 15 Dec</b> · L 2 sets, 18 reps · R 1×10 · 1 skipped · pain 1 · about right"
        )
        assert lines[2] == "<b>Mon 14 Dec</b> · L 3×10 · R 3×10 · pain 2 · about right"
        assert [label for label, _ in page.buttons()] == ["Older ▶️"]

        await chat.press(page, "Older")
        lines = page.text.split("\n")
        assert lines[0].endswith("page 2 of 3") and len(lines) == 11
        assert lines[1].startswith("<b>Sat 5 Dec</b>")
        assert [label for label, _ in page.buttons()] == ["◀️ Newer", "Older ▶️"]

        await chat.press(page, "Older")
        lines = page.text.split("\n")
        assert lines[0].endswith("page 3 of 3") and len(lines) == 5
        assert lines[-1] == "<b>Sun 22 Nov</b> · L 3×10 · R 3×10 · pain 0 · about right"
        assert [label for label, _ in page.buttons()] == ["◀️ Newer"]

        await chat.press(page, "Newer")
        assert page.text.split("\n")[0].endswith("page 2 of 3")
        # Every page was an edit of the one message.
        assert len(chat.messages()) == before + 1 and len(page.edits) == 3
        assert kit.request.rejected == []


async def test_history_marks_partial_and_open_sessions(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await onboard(chat)
        await add_session(kit.storage, 42, nov(22), status="partial", reps=[10], pain=None)
        await add_session(kit.storage, 42, nov(23), status="open", reps=[], pain=None)
        text = (await chat.send("/history"))[-1].text
        assert "<b>Mon 23 Nov</b> · no sets logged · about right (in progress)" in text
        assert "<b>Sun 22 Nov</b> · L 1×10 · R 1×10 · about right (partial)" in text
        assert "page" not in text


async def test_history_buttons_odd_and_forged(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        ann = kit.chat(42, "Ann")
        await onboard(ann)
        for n in range(12):
            await add_session(kit.storage, 42, nov(1) + timedelta(days=n), note="ann-only")
        page = (await ann.send("/history"))[-1]
        before = page.text
        # Same page as shown: a toast, no edit (an edit would be "not modified").
        await ann.forge(page, "hist:0:0")
        assert ann.answers()[-1] == render.history_same_page()
        # A page past the end is clamped to the last one.
        await ann.forge(page, "hist:99:0")
        assert page.text.split("\n")[0].endswith("page 2 of 2")
        for data in ("hist:", "hist:-1:0", "hist:1", "hist:1:0:42", "hist:x:y"):
            await ann.forge(page, data)
            assert ann.answers()[-1] == render.stale_button()
        assert before != page.text
        assert kit.request.rejected == []

        # Another user pressing history buttons only ever sees their own (empty) history.
        bo = kit.chat(43, "Bo")
        await onboard(bo)
        shown = (await bo.send("/settings"))[-1]
        sent = await bo.forge(shown, "hist:1:0")
        assert bo.answers()[-1] == render.history_empty()
        assert all("Nov" not in s.text for s in sent)
        stranger = kit.chat(44, "Cy")
        hello = (await stranger.send("/help"))[-1]
        await stranger.forge(hello, "hist:0:1")
        assert stranger.answers()[-1] == render.need_start()
        assert kit.request.rejected == []


async def test_history_double_tap_race_is_quiet(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await onboard(chat)
        for n in range(15):
            await add_session(kit.storage, 42, nov(1) + timedelta(days=n))
        page = (await chat.send("/history"))[-1]
        older = page.data_for("Older")
        await chat.press(page, "Older")
        # The second tap of a double tap still carries the first keyboard's data.
        edits = sum(1 for m, _ in kit.request.calls if m == "editMessageText")
        sent = await chat.forge(page, older)
        # The outbox knows the page already shows that content: no edit, so no 400.
        assert kit.request.rejected == []
        assert sum(1 for m, _ in kit.request.calls if m == "editMessageText") == edits
        assert all(render.apology() not in s.text for s in sent)
        assert chat.last().text == page.text


@pytest.mark.parametrize("count", [1, 10, 11, 20, 21])
def test_history_keyboard_edges(count: int) -> None:
    pages = max(1, -(-count // render.HISTORY_PAGE))
    for page in range(pages):
        markup = render.history_keyboard(page, pages)
        labels = [b.text for row in markup.inline_keyboard for b in row] if markup else []
        assert ("◀️ Newer" in labels) == (page > 0)
        assert ("Older ▶️" in labels) == (page < pages - 1)


def test_chart_axis_dates_speak_the_users_language() -> None:
    from handlers.chart import _day

    moment = datetime(2026, 12, 3, 12, 0)
    assert [_day(moment, locale) for locale in ("en", "ru", "es", "de", "pt_BR")] == [
        "3 Dec",
        "3 дек.",
        "3 dic",
        "3 Dez.",
        "3 dez.",
    ]
