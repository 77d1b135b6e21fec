-- Mail to requesters (the receipt of a submission, the survey) goes through
-- the built-in channel 'requester': an e-mail channel, hidden from the
-- channel lists, whose deliveries each name their recipient. Its language
-- is that of incidents' and requests' surveys; feedback keeps the language
-- it was submitted in.
ALTER TABLE channels ADD COLUMN builtin TEXT NOT NULL DEFAULT '';
ALTER TABLE deliveries ADD COLUMN recipient TEXT NOT NULL DEFAULT '';
ALTER TABLE feedback ADD COLUMN lang TEXT NOT NULL DEFAULT 'en';
INSERT INTO channels (name, type, url, secret, lang, disabled, created_at, updated_at, builtin)
    VALUES ('sqm: mail to requesters', 'email', 'mailto:', '', 'en', FALSE, 0, 0, 'requester');
