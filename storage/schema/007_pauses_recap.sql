-- Days a user was not due to train: /pause, the safety pause after pain, /stop, Skip today.
-- end_date is exclusive (the first day due again); NULL while the pause runs until /resume.
CREATE TABLE pause_log (
    pause_id     INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    start_date   TEXT NOT NULL,
    end_date     TEXT,
    reason       TEXT NOT NULL CHECK (reason IN ('pause', 'safety', 'stop', 'skip')),
    created_utc  TEXT NOT NULL
);

CREATE INDEX pause_log_user ON pause_log (user_id, start_date);

-- Weekly recap: on or off, the local weekday (0 = Monday … 6 = Sunday), the next instant due.
ALTER TABLE users ADD COLUMN recap_on INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN recap_day INTEGER NOT NULL DEFAULT 6 CHECK (recap_day BETWEEN 0 AND 6);
ALTER TABLE users ADD COLUMN next_recap_utc TEXT;

CREATE INDEX users_next_recap ON users (next_recap_utc) WHERE next_recap_utc IS NOT NULL;

-- Recap ledger: at most one recap per user and local week (keyed by the week's Monday), ever.
CREATE TABLE recap_ledger (
    user_id      INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    week_start   TEXT NOT NULL,
    claimed_utc  TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'claimed',  -- claimed|sent|failed|dropped
    PRIMARY KEY (user_id, week_start)
);
