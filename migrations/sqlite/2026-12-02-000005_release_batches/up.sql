-- Submissions wait here, written in the transaction that redeems their link, until a release
-- moves a whole batch of a team's group (at least min_n) into responses, answers and comments,
-- in random order, dated by the release. Nothing here is read by any staff output.
CREATE TABLE staged_responses (
    id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams(id),
    survey_version_id TEXT NOT NULL REFERENCES survey_versions(id),
    respondent TEXT NOT NULL,
    channel TEXT NOT NULL,
    -- The month it arrived, for retention of submissions that never make up a batch.
    month TEXT NOT NULL,
    -- The answers as read before storage (scrubbed, with sentiment and themes), as JSON.
    answers TEXT NOT NULL
-- Kept in the order of their random ids, not of their arrival (see the foundation migration).
) WITHOUT ROWID;
CREATE INDEX staged_responses_group ON staged_responses (team_id, respondent);
