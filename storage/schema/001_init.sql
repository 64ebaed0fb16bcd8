-- Users: one row per person who agreed to have their exercise log stored.
CREATE TABLE users (
    user_id            INTEGER PRIMARY KEY,
    chat_id            INTEGER NOT NULL,
    first_name         TEXT NOT NULL DEFAULT '',
    consent_at         TEXT NOT NULL,               -- UTC ISO-8601
    onboarding_step    TEXT NOT NULL DEFAULT 'preset',  -- preset|legs|timezone|time|done
    awaiting           TEXT NOT NULL DEFAULT '',    -- typed input the bot waits for: ''|timezone|time
    preset             TEXT NOT NULL DEFAULT 'rehab',
    legs               TEXT NOT NULL DEFAULT 'both' CHECK (legs IN ('both', 'left', 'right')),
    timezone           TEXT NOT NULL DEFAULT 'UTC',
    remind_at          TEXT NOT NULL DEFAULT '07:00',  -- local wall-clock HH:MM
    first_day          TEXT,                        -- local date onboarding finished
    reps               INTEGER,                     -- progression overrides (NULL: the preset's)
    hold_s             INTEGER,
    ankle_weight       INTEGER NOT NULL DEFAULT 0,
    reminders_on       INTEGER NOT NULL DEFAULT 1,
    paused_until       TEXT,                        -- local date; '9999-12-31' until /resume
    skip_day           TEXT,                        -- local date with no reminder
    snooze_until_utc   TEXT,
    next_reminder_utc  TEXT,                        -- NULL: nothing scheduled
    active             INTEGER NOT NULL DEFAULT 1,  -- 0 once the user blocked the bot
    learn_step         INTEGER NOT NULL DEFAULT 0,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);

CREATE INDEX users_next_reminder ON users (next_reminder_utc) WHERE next_reminder_utc IS NOT NULL;

-- Sessions: one per workout day (guided or logged by "done").
CREATE TABLE sessions (
    session_id     INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    local_date     TEXT NOT NULL,
    started_utc    TEXT NOT NULL,
    ended_utc      TEXT,
    status         TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'partial')),
    preset         TEXT NOT NULL,
    legs           TEXT NOT NULL,
    sets_planned   INTEGER NOT NULL,
    reps_planned   INTEGER NOT NULL,
    hold_s         INTEGER NOT NULL,
    pain           INTEGER CHECK (pain BETWEEN 0 AND 10),
    difficulty     TEXT CHECK (difficulty IN ('easy', 'right', 'hard')),
    note           TEXT NOT NULL DEFAULT ''
);

CREATE INDEX sessions_user_date ON sessions (user_id, local_date);

-- Sets: one row per logged (or skipped) set.
CREATE TABLE sets (
    set_id       INTEGER PRIMARY KEY,
    session_id   INTEGER NOT NULL REFERENCES sessions (session_id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    leg          TEXT NOT NULL CHECK (leg IN ('left', 'right')),
    set_no       INTEGER NOT NULL,
    reps         INTEGER NOT NULL,
    hold_s       INTEGER NOT NULL,
    skipped      INTEGER NOT NULL DEFAULT 0,
    note         TEXT NOT NULL DEFAULT '',
    logged_utc   TEXT NOT NULL
);

CREATE INDEX sets_session ON sets (session_id);
CREATE INDEX sets_user ON sets (user_id);

-- Telegram update ids already acted on: the same update processed twice changes nothing.
CREATE TABLE processed_updates (
    update_id    INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    done_utc     TEXT NOT NULL
);

CREATE INDEX processed_updates_user ON processed_updates (user_id);

-- Reminder ledger: at most one daily and one snooze reminder per user and local date, ever.
CREATE TABLE reminder_ledger (
    user_id      INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    local_date   TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('daily', 'snooze')),
    claimed_utc  TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'claimed',  -- claimed|sent|failed|dropped
    PRIMARY KEY (user_id, local_date, kind)
);

-- Progression offers the user answered, so a "No" isn't asked again at once.
CREATE TABLE progression_answers (
    user_id      INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    answered_utc TEXT NOT NULL,
    step_key     TEXT NOT NULL,
    accepted     INTEGER NOT NULL
);

CREATE INDEX progression_answers_user ON progression_answers (user_id);
