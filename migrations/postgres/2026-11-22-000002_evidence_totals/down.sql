DROP INDEX responses_team_group_day;
DROP TABLE invitation_totals;
DROP TABLE comment_totals;
DROP TABLE answer_totals;
DROP TABLE response_totals;
ALTER TABLE comments DROP COLUMN respondent;
ALTER TABLE comments DROP COLUMN themes;
ALTER TABLE comments DROP COLUMN sentiment_corrected;
ALTER TABLE comments DROP COLUMN sentiment;
