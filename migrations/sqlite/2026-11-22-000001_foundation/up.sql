-- Teams, staff and access.
CREATE TABLE teams (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    crisis_line TEXT,
    welsh_first BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    is_admin BOOLEAN NOT NULL DEFAULT FALSE,
    -- Bumped at sign-out so every cookie session issued before it stops working.
    session_epoch INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE team_roles (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('manager', 'clinician')),
    PRIMARY KEY (user_id, team_id)
);

CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    key_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    revoked BOOLEAN NOT NULL DEFAULT FALSE
);

-- Throttles sign-in by a hash of the typed email, so unknown accounts are slowed exactly like real ones.
CREATE TABLE login_throttle (
    email_hash TEXT PRIMARY KEY,
    failures INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMP
);

-- Questionnaires: one row per distinct definition, keyed by its content hash.
CREATE TABLE survey_versions (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL,
    title TEXT NOT NULL,
    respondent TEXT NOT NULL,
    definition TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX survey_versions_slug ON survey_versions (slug);

-- Invitations know who was asked; they never learn what was answered, or when.
CREATE TABLE invitations (
    id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams(id),
    survey_version_id TEXT NOT NULL REFERENCES survey_versions(id),
    batch_id TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'printed', 'other')),
    code_hash TEXT NOT NULL UNIQUE,
    email TEXT,
    used BOOLEAN NOT NULL DEFAULT FALSE,
    reminder_sent BOOLEAN NOT NULL DEFAULT FALSE,
    issued_on DATE NOT NULL,
    expires_on DATE NOT NULL
);
CREATE INDEX invitations_batch ON invitations (batch_id);
CREATE INDEX invitations_email_pending ON invitations (issued_on) WHERE email IS NOT NULL;

-- An invitation may have several link tokens (one per message sent); any of them redeems it once.
-- WITHOUT ROWID here and below: rows are kept in key order, not in the order they arrived.
CREATE TABLE invitation_tokens (
    token_hash TEXT PRIMARY KEY,
    invitation_id TEXT NOT NULL REFERENCES invitations(id) ON DELETE CASCADE
) WITHOUT ROWID;

-- Responses share no key with invitations: team, version, group, channel and the day only.
CREATE TABLE responses (
    id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams(id),
    survey_version_id TEXT NOT NULL REFERENCES survey_versions(id),
    respondent TEXT NOT NULL,
    channel TEXT NOT NULL,
    received_on DATE NOT NULL
) WITHOUT ROWID;
CREATE INDEX responses_team_day ON responses (team_id, received_on);

CREATE TABLE answers (
    response_id TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (response_id, question_id)
) WITHOUT ROWID;

-- Free-text answers, scrubbed before they get here.
CREATE TABLE comments (
    id TEXT PRIMARY KEY,
    response_id TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    team_id TEXT NOT NULL REFERENCES teams(id),
    question_id TEXT NOT NULL,
    body TEXT NOT NULL,
    urgent BOOLEAN NOT NULL DEFAULT FALSE,
    received_on DATE NOT NULL
) WITHOUT ROWID;
CREATE INDEX comments_team_day ON comments (team_id, received_on);

CREATE TABLE concerns (
    id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams(id),
    source TEXT NOT NULL,
    summary TEXT NOT NULL,
    comment_id TEXT REFERENCES comments(id) ON DELETE SET NULL,
    raised_on DATE NOT NULL,
    closed_on DATE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX concerns_team ON concerns (team_id, raised_on);

CREATE TABLE actions (
    id TEXT PRIMARY KEY,
    concern_id TEXT NOT NULL REFERENCES concerns(id) ON DELETE CASCADE,
    description TEXT NOT NULL,
    owner TEXT NOT NULL,
    due_on DATE NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    outcome TEXT,
    planned_on DATE NOT NULL,
    in_progress_on DATE,
    done_on DATE,
    not_taken_forward_on DATE,
    publishable BOOLEAN NOT NULL DEFAULT FALSE,
    public_you_said TEXT,
    public_wording TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX actions_concern ON actions (concern_id);

-- Mail waits here until a worker sends it; the link token is minted at send time, never stored in clear.
CREATE TABLE mail_outbox (
    id TEXT PRIMARY KEY,
    invitation_id TEXT NOT NULL REFERENCES invitations(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('invitation', 'reminder')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    sent BOOLEAN NOT NULL DEFAULT FALSE,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX mail_outbox_due ON mail_outbox (sent, next_attempt_at);

-- Append-only record of what staff did.
CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    team_id TEXT,
    detail TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
