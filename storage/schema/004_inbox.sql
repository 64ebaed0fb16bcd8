-- Inbox: every update from Telegram, committed before the offset (or the webhook's 200) confirms
-- it; handled in order per chat. The raw JSON is cleared once handled (it holds what people wrote);
-- the row stays a while so a redelivered update id is recognised.
CREATE TABLE inbox (
    update_id     INTEGER PRIMARY KEY,
    chat_key      INTEGER NOT NULL,             -- chat (else user) whose updates run in order; 0: none
    kind          TEXT NOT NULL,                -- message, callback_query, my_chat_member, ...
    raw           TEXT NOT NULL,                -- the update as Telegram sent it; '' once handled
    received_utc  TEXT NOT NULL,
    handled_utc   TEXT                          -- NULL until its handler has run
);

CREATE INDEX inbox_unhandled ON inbox (update_id) WHERE handled_utc IS NULL;
CREATE INDEX inbox_handled ON inbox (handled_utc) WHERE handled_utc IS NOT NULL;
