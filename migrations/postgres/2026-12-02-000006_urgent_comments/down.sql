DROP INDEX mail_outbox_subject;
ALTER TABLE mail_outbox DROP COLUMN channel;
ALTER TABLE mail_outbox RENAME COLUMN subject_id TO invitation_id;
DELETE FROM mail_outbox WHERE kind NOT IN ('invitation', 'reminder')
    OR invitation_id NOT IN (SELECT id FROM invitations);
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_kind_check CHECK (kind IN ('invitation', 'reminder'));
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_invitation_id_fkey
    FOREIGN KEY (invitation_id) REFERENCES invitations(id) ON DELETE CASCADE;
DROP TABLE urgent_comments;
ALTER TABLE teams DROP COLUMN urgent_mobile;
ALTER TABLE teams DROP COLUMN urgent_email;
