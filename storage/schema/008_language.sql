-- The user's interface language (i18n.LANGUAGES key); NULL follows the Telegram client's language.
ALTER TABLE users ADD COLUMN language TEXT CHECK (language IN ('en', 'ru', 'es', 'de', 'pt'));
