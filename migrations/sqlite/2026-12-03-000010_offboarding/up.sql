-- A disabled account cannot sign in, and its API keys stop working.
ALTER TABLE users ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT FALSE;

-- API keys carry a name (what they are for), an expiry, and the day they were last used.
-- Keys made before expiries existed get a year from their creation.
ALTER TABLE api_keys ADD COLUMN name TEXT;
ALTER TABLE api_keys ADD COLUMN expires_at TIMESTAMP;
ALTER TABLE api_keys ADD COLUMN last_used_on DATE;
UPDATE api_keys SET expires_at = datetime(created_at, '+365 days');
CREATE INDEX api_keys_user ON api_keys (user_id);

-- Failed sign-ins are counted per typed address and per client, both only as hashes, so one
-- person's guesses cannot lock another out; rows are forgotten a day after their last failure.
DROP TABLE login_throttle;
CREATE TABLE login_throttle (
    email_hash TEXT NOT NULL,
    client_hash TEXT NOT NULL,
    failures INTEGER NOT NULL,
    last_failed_at TIMESTAMP NOT NULL,
    blocked_until TIMESTAMP,
    PRIMARY KEY (email_hash, client_hash)
);
CREATE INDEX login_throttle_last_failed ON login_throttle (last_failed_at);
