-- How /workout paces a set: edited chat message, one voice note, or the Mini App timer.
ALTER TABLE users ADD COLUMN pacing_mode TEXT NOT NULL DEFAULT 'chat'
    CHECK (pacing_mode IN ('chat', 'voice', 'app'));

-- Voice tracks already uploaded to Telegram: later sends reuse the file_id (no upload).
CREATE TABLE voice_tracks (
    track_key    TEXT PRIMARY KEY,                -- preset, reps, hold, language, mix digest
    file_id      TEXT NOT NULL,
    uploaded_utc TEXT NOT NULL
);
