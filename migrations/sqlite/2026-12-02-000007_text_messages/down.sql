PRAGMA foreign_keys = OFF;
BEGIN;
DROP TABLE submission_counts;
DROP TABLE tablet_visits;
DROP TABLE tablets;
DROP TABLE opt_outs;
ALTER TABLE mail_outbox DROP COLUMN failed;
DELETE FROM invitations WHERE channel = 'sms';
CREATE TABLE invitations_old (
    id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams(id),
    survey_version_id TEXT NOT NULL REFERENCES survey_versions(id),
    batch_id TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'printed', 'other')),
    code_hash TEXT NOT NULL UNIQUE,
    email TEXT,
    used BOOLEAN NOT NULL DEFAULT FALSE,
    reminder_sent BOOLEAN NOT NULL DEFAULT FALSE,
    issued_on DATE NOT NULL,
    expires_on DATE NOT NULL
);
INSERT INTO invitations_old (rowid, id, team_id, survey_version_id, batch_id, channel, code_hash,
    email, used, reminder_sent, issued_on, expires_on)
SELECT rowid, id, team_id, survey_version_id, batch_id, channel, code_hash, email, used,
    reminder_sent, issued_on, expires_on FROM invitations;
DROP TABLE invitations;
ALTER TABLE invitations_old RENAME TO invitations;
CREATE INDEX invitations_batch ON invitations (batch_id);
CREATE INDEX invitations_email_pending ON invitations (issued_on) WHERE email IS NOT NULL;
DELETE FROM invitation_tokens WHERE invitation_id NOT IN (SELECT id FROM invitations);
COMMIT;
PRAGMA foreign_keys = ON;
