-- How many staff a team has and how many partner services it works with: the most links one
-- survey round of the staff or partner questionnaire may issue.
ALTER TABLE teams ADD COLUMN staff_size INTEGER;
ALTER TABLE teams ADD COLUMN partners INTEGER;

-- A survey round: one batch of staff or partner questionnaire links for a team, open while
-- any of its links is unused and unexpired (see src/rounds.rs).
CREATE TABLE survey_rounds (
    id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams(id),
    survey_slug TEXT NOT NULL,
    batch_id TEXT NOT NULL,
    links INTEGER NOT NULL,
    opened_by TEXT NOT NULL,
    opened_on DATE NOT NULL,
    closes_on DATE NOT NULL
);
CREATE INDEX survey_rounds_team ON survey_rounds (team_id, survey_slug, closes_on);

-- Discharge invitations each member of staff issued each day, for the daily cap.
CREATE TABLE daily_invitation_counts (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    day DATE NOT NULL,
    issued INTEGER NOT NULL,
    PRIMARY KEY (user_id, day)
);
