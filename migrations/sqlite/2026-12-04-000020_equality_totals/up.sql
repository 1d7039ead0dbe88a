-- Equality monitoring: each released service-user and carer response that answered an "About
-- you" question is counted here by its category, with each of its other answers, so a report
-- can give the FFT and every criterion by category. The "About you" answers themselves are
-- never stored with a response. question_id and value '' count the responses.
CREATE TABLE equality_totals (
    team_id TEXT NOT NULL REFERENCES teams(id),
    month TEXT NOT NULL,
    survey_version_id TEXT NOT NULL,
    respondent TEXT NOT NULL,
    dimension TEXT NOT NULL,
    category TEXT NOT NULL,
    question_id TEXT NOT NULL,
    value TEXT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (team_id, month, survey_version_id, respondent, dimension, category, question_id, value)
);

-- A breakdown reads one dimension of a team (or of every team) over a run of months.
CREATE INDEX equality_totals_dimension_month ON equality_totals (dimension, month);
