-- One row /healthz rewrites: proof that the database still takes writes.
CREATE TABLE healthz (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    checked_utc TEXT NOT NULL
);
