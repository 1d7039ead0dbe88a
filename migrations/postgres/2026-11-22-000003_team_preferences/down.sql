ALTER TABLE teams DROP COLUMN easy_read;
