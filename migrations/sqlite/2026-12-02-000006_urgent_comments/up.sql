-- Each team's duty contact for urgent comments.
ALTER TABLE teams ADD COLUMN urgent_email TEXT;
ALTER TABLE teams ADD COLUMN urgent_mobile TEXT;

-- A comment with risk language, kept apart from the released responses so that the team's
-- duty contact can read it at once, whatever the size of its group.
CREATE TABLE urgent_comments (
    id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams(id),
    survey_version_id TEXT NOT NULL REFERENCES survey_versions(id),
    respondent TEXT NOT NULL,
    body TEXT NOT NULL,
    received_on DATE NOT NULL,
    acknowledged_by TEXT,
    acknowledged_at TIMESTAMP,
    note TEXT
) WITHOUT ROWID;
CREATE INDEX urgent_comments_team ON urgent_comments (team_id, received_on);

-- The outbox carries any kind of message about any subject (an invitation, an urgent comment),
-- by any channel; which kinds exist is decided in the code.
CREATE TABLE mail_outbox_new (
    id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    channel TEXT NOT NULL DEFAULT 'email',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    sent BOOLEAN NOT NULL DEFAULT FALSE,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO mail_outbox_new (id, subject_id, kind, channel, attempts, next_attempt_at,
    claimed_until, sent, last_error, created_at)
SELECT id, invitation_id, kind, 'email', attempts, next_attempt_at, claimed_until, sent,
    last_error, created_at FROM mail_outbox;
DROP TABLE mail_outbox;
ALTER TABLE mail_outbox_new RENAME TO mail_outbox;
CREATE INDEX mail_outbox_due ON mail_outbox (sent, next_attempt_at);
CREATE INDEX mail_outbox_subject ON mail_outbox (subject_id);
