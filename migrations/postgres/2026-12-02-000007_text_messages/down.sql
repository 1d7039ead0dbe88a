DROP TABLE submission_counts;
DROP TABLE tablet_visits;
DROP TABLE tablets;
DROP TABLE opt_outs;
ALTER TABLE mail_outbox DROP COLUMN failed;
DROP INDEX invitations_mobile_pending;
ALTER TABLE invitations DROP COLUMN language;
ALTER TABLE invitations DROP COLUMN mobile;
DELETE FROM invitations WHERE channel = 'sms';
ALTER TABLE invitations DROP CONSTRAINT invitations_channel_check;
ALTER TABLE invitations ADD CONSTRAINT invitations_channel_check
    CHECK (channel IN ('email', 'printed', 'other'));
