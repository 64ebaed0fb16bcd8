-- Per-session lookups of sets must not walk the user's whole history. With an index on user_id
-- alone, SQLite chose it for "session_id = ? AND user_id = ?" and for the /export join (0.6 s
-- for five years of sets); (user_id, session_id) serves user-wide and per-session lookups both.
DROP INDEX sets_user;
CREATE INDEX sets_user_session ON sets (user_id, session_id);

-- Open sessions are few: start-up, the silence check and opening a session look only at them.
CREATE INDEX sessions_open ON sessions (user_id) WHERE status = 'open';
