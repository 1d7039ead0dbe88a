CREATE TABLE mail_outbox_old (
    id TEXT PRIMARY KEY,
    invitation_id TEXT NOT NULL REFERENCES invitations(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('invitation', 'reminder')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    sent BOOLEAN NOT NULL DEFAULT FALSE,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO mail_outbox_old (id, invitation_id, kind, attempts, next_attempt_at, claimed_until,
    sent, last_error, created_at)
SELECT id, subject_id, kind, attempts, next_attempt_at, claimed_until, sent, last_error,
    created_at FROM mail_outbox
WHERE kind IN ('invitation', 'reminder') AND subject_id IN (SELECT id FROM invitations);
DROP TABLE mail_outbox;
ALTER TABLE mail_outbox_old RENAME TO mail_outbox;
CREATE INDEX mail_outbox_due ON mail_outbox (sent, next_attempt_at);
DROP TABLE urgent_comments;
ALTER TABLE teams DROP COLUMN urgent_mobile;
ALTER TABLE teams DROP COLUMN urgent_email;
