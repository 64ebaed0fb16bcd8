"""Telegram file_ids of uploaded voice tracks, and each user's pacing mode."""

from __future__ import annotations

from datetime import datetime

from storage.convert import utc_text
from storage.db import Database


class VoiceMixin:
    """voice_tracks rows (not per user: a track is the same file for everyone)."""

    db: Database

    async def voice_file_id(self, track_key: str) -> str | None:
        """The file_id Telegram gave this track, if it was uploaded before."""
        row = await self.db.fetchone(
            "SELECT file_id FROM voice_tracks WHERE track_key = ?", (track_key,)
        )
        return str(row[0]) if row else None

    async def save_voice_file_id(self, track_key: str, file_id: str, now: datetime) -> None:
        """Remember the file_id of an uploaded track (a later upload replaces it)."""
        async with self.db.write() as conn:
            await conn.execute(
                "INSERT INTO voice_tracks (track_key, file_id, uploaded_utc) VALUES (?, ?, ?)"
                " ON CONFLICT (track_key) DO UPDATE SET file_id = excluded.file_id,"
                " uploaded_utc = excluded.uploaded_utc",
                (track_key, file_id, utc_text(now)),
            )

    async def forget_voice_file_id(self, track_key: str) -> None:
        """Drop a file_id Telegram no longer accepts."""
        async with self.db.write() as conn:
            await conn.execute("DELETE FROM voice_tracks WHERE track_key = ?", (track_key,))
