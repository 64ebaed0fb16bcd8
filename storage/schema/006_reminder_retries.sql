-- A reminder Telegram certainly did not accept (5xx, refused connection, flood wait) is kept as
-- status 'retry' and tried again at retry_utc, until delivered or the user's local cut-off.
ALTER TABLE reminder_ledger ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1;
ALTER TABLE reminder_ledger ADD COLUMN retry_utc TEXT;
CREATE INDEX reminder_ledger_retry ON reminder_ledger (retry_utc) WHERE retry_utc IS NOT NULL;
