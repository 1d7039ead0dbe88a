-- Sentiment and themes are worked out when a comment is stored; staff may correct the sentiment.
ALTER TABLE comments ADD COLUMN sentiment TEXT NOT NULL DEFAULT 'neutral';
ALTER TABLE comments ADD COLUMN sentiment_corrected TEXT;
ALTER TABLE comments ADD COLUMN themes TEXT NOT NULL DEFAULT '';
ALTER TABLE comments ADD COLUMN respondent TEXT NOT NULL DEFAULT 'service_user';

-- Running totals, kept in the transaction that stores each response, so a report reads a few
-- hundred rows however many responses there are. Months are 'YYYY-MM'.
CREATE TABLE response_totals (
    team_id TEXT NOT NULL REFERENCES teams(id),
    month TEXT NOT NULL,
    survey_version_id TEXT NOT NULL,
    respondent TEXT NOT NULL,
    channel TEXT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (team_id, month, survey_version_id, respondent, channel)
);

CREATE TABLE answer_totals (
    team_id TEXT NOT NULL REFERENCES teams(id),
    month TEXT NOT NULL,
    survey_version_id TEXT NOT NULL,
    question_id TEXT NOT NULL,
    respondent TEXT NOT NULL,
    value TEXT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (team_id, month, survey_version_id, question_id, respondent, value)
);

-- One row per (month, group, sentiment, theme); theme '' counts every comment once.
CREATE TABLE comment_totals (
    team_id TEXT NOT NULL REFERENCES teams(id),
    month TEXT NOT NULL,
    respondent TEXT NOT NULL,
    sentiment TEXT NOT NULL,
    theme TEXT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (team_id, month, respondent, sentiment, theme)
);

CREATE TABLE invitation_totals (
    team_id TEXT NOT NULL REFERENCES teams(id),
    month TEXT NOT NULL,
    survey_version_id TEXT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (team_id, month, survey_version_id)
);

-- The latest service-user response (criterion 22c) without scanning every response.
CREATE INDEX responses_team_group_day ON responses (team_id, respondent, received_on);
