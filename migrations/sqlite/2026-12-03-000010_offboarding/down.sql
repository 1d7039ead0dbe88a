DROP TABLE login_throttle;
CREATE TABLE login_throttle (
    email_hash TEXT PRIMARY KEY,
    failures INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMP
);
DROP INDEX api_keys_user;
ALTER TABLE api_keys DROP COLUMN last_used_on;
ALTER TABLE api_keys DROP COLUMN expires_at;
ALTER TABLE api_keys DROP COLUMN name;
ALTER TABLE users DROP COLUMN disabled;
