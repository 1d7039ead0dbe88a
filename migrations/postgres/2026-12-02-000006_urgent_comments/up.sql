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
);
CREATE INDEX urgent_comments_team ON urgent_comments (team_id, received_on);

-- The outbox carries any kind of message about any subject (an invitation, an urgent comment),
-- by any channel; which kinds exist is decided in the code.
ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_invitation_id_fkey;
ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_kind_check;
ALTER TABLE mail_outbox RENAME COLUMN invitation_id TO subject_id;
ALTER TABLE mail_outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'email';
CREATE INDEX mail_outbox_subject ON mail_outbox (subject_id);
