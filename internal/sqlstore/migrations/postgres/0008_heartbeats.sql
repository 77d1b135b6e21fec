-- Heartbeat monitors: the secret token of their ping URL, and the last ping.
ALTER TABLE monitors ADD COLUMN heartbeat_token TEXT;
ALTER TABLE monitors ADD COLUMN last_ping_at BIGINT;
CREATE UNIQUE INDEX monitors_heartbeat_token ON monitors (heartbeat_token) WHERE heartbeat_token IS NOT NULL;
