DROP TABLE daily_invitation_counts;
DROP TABLE survey_rounds;
ALTER TABLE teams DROP COLUMN partners;
ALTER TABLE teams DROP COLUMN staff_size;
