PRAGMA foreign_keys = OFF;
BEGIN;

-- Invitations may now go by text message, and may carry a mobile number (erased once it has
-- served, as an email address is) and the language their link opens in.
CREATE TABLE invitations_new (
    id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams(id),
    survey_version_id TEXT NOT NULL REFERENCES survey_versions(id),
    batch_id TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'printed', 'other', 'sms')),
    code_hash TEXT NOT NULL UNIQUE,
    email TEXT,
    used BOOLEAN NOT NULL DEFAULT FALSE,
    reminder_sent BOOLEAN NOT NULL DEFAULT FALSE,
    issued_on DATE NOT NULL,
    expires_on DATE NOT NULL,
    mobile TEXT,
    language TEXT
);
INSERT INTO invitations_new (rowid, id, team_id, survey_version_id, batch_id, channel, code_hash,
    email, used, reminder_sent, issued_on, expires_on)
SELECT rowid, id, team_id, survey_version_id, batch_id, channel, code_hash, email, used,
    reminder_sent, issued_on, expires_on FROM invitations;
DROP TABLE invitations;
ALTER TABLE invitations_new RENAME TO invitations;
CREATE INDEX invitations_batch ON invitations (batch_id);
CREATE INDEX invitations_email_pending ON invitations (issued_on) WHERE email IS NOT NULL;
CREATE INDEX invitations_mobile_pending ON invitations (issued_on) WHERE mobile IS NOT NULL;

-- A message that can never be delivered (a number Notify refuses) is given up, not retried.
ALTER TABLE mail_outbox ADD COLUMN failed BOOLEAN NOT NULL DEFAULT FALSE;

-- Contacts that asked not to be invited again, as a keyed hash only (HMAC with OPT_OUT_KEY):
-- a reader of the database cannot turn them back into numbers or addresses.
CREATE TABLE opt_outs (
    contact_hash TEXT PRIMARY KEY
) WITHOUT ROWID;

-- Tablets at a team's base, each with its own link (stored as a hash).
CREATE TABLE tablets (
    id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams(id),
    token_hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    survey_slug TEXT NOT NULL,
    revoked BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL
);

-- A questionnaire opened on a tablet, answerable once, until it expires.
CREATE TABLE tablet_visits (
    visit_hash TEXT PRIMARY KEY,
    tablet_id TEXT NOT NULL REFERENCES tablets(id) ON DELETE CASCADE,
    expires_at TIMESTAMP NOT NULL
) WITHOUT ROWID;

-- The Trust's monthly Friends and Family Test counts by the month answers were submitted,
-- released or not, for the submission to NHS England: counts only, no team.
CREATE TABLE submission_counts (
    month TEXT NOT NULL,
    channel TEXT NOT NULL,
    value TEXT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (month, channel, value)
) WITHOUT ROWID;

PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
