-- A team may use the easy-read service-user questionnaire at discharge.
ALTER TABLE teams ADD COLUMN easy_read BOOLEAN NOT NULL DEFAULT FALSE;
