//! Table definitions shared by both backends; kept by hand in step with `migrations/`.

diesel::table! {
    teams (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        crisis_line -> Nullable<Text>,
        welsh_first -> Bool,
        created_at -> Timestamp,
        easy_read -> Bool,
        urgent_email -> Nullable<Text>,
        urgent_mobile -> Nullable<Text>,
        staff_size -> Nullable<Integer>,
        partners -> Nullable<Integer>,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        password_hash -> Text,
        is_admin -> Bool,
        session_epoch -> Integer,
        created_at -> Timestamp,
        disabled -> Bool,
    }
}

diesel::table! {
    team_roles (user_id, team_id) {
        user_id -> Text,
        team_id -> Text,
        role -> Text,
    }
}

diesel::table! {
    api_keys (id) {
        id -> Text,
        user_id -> Text,
        key_hash -> Text,
        created_at -> Timestamp,
        revoked -> Bool,
        name -> Nullable<Text>,
        expires_at -> Nullable<Timestamp>,
        last_used_on -> Nullable<Date>,
    }
}

diesel::table! {
    login_throttle (email_hash, client_hash) {
        email_hash -> Text,
        client_hash -> Text,
        failures -> Integer,
        last_failed_at -> Timestamp,
        blocked_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    survey_versions (id) {
        id -> Text,
        slug -> Text,
        title -> Text,
        respondent -> Text,
        definition -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    invitations (id) {
        id -> Text,
        team_id -> Text,
        survey_version_id -> Text,
        batch_id -> Text,
        channel -> Text,
        code_hash -> Text,
        email -> Nullable<Text>,
        used -> Bool,
        reminder_sent -> Bool,
        issued_on -> Date,
        expires_on -> Date,
        mobile -> Nullable<Text>,
        language -> Nullable<Text>,
    }
}

diesel::table! {
    invitation_tokens (token_hash) {
        token_hash -> Text,
        invitation_id -> Text,
    }
}

diesel::table! {
    responses (id) {
        id -> Text,
        team_id -> Text,
        survey_version_id -> Text,
        respondent -> Text,
        channel -> Text,
        received_on -> Date,
    }
}

diesel::table! {
    answers (response_id, question_id) {
        response_id -> Text,
        question_id -> Text,
        value -> Text,
    }
}

diesel::table! {
    comments (id) {
        id -> Text,
        response_id -> Text,
        team_id -> Text,
        question_id -> Text,
        body -> Text,
        urgent -> Bool,
        received_on -> Date,
        sentiment -> Text,
        sentiment_corrected -> Nullable<Text>,
        themes -> Text,
        respondent -> Text,
    }
}

diesel::table! {
    response_totals (team_id, month, survey_version_id, respondent, channel) {
        team_id -> Text,
        month -> Text,
        survey_version_id -> Text,
        respondent -> Text,
        channel -> Text,
        count -> BigInt,
    }
}

diesel::table! {
    answer_totals (team_id, month, survey_version_id, question_id, respondent, value) {
        team_id -> Text,
        month -> Text,
        survey_version_id -> Text,
        question_id -> Text,
        respondent -> Text,
        value -> Text,
        count -> BigInt,
    }
}

diesel::table! {
    equality_totals (team_id, month, survey_version_id, respondent, dimension, category, question_id, value) {
        team_id -> Text,
        month -> Text,
        survey_version_id -> Text,
        respondent -> Text,
        dimension -> Text,
        category -> Text,
        question_id -> Text,
        value -> Text,
        count -> BigInt,
    }
}

diesel::table! {
    invitation_totals (team_id, month, survey_version_id) {
        team_id -> Text,
        month -> Text,
        survey_version_id -> Text,
        count -> BigInt,
    }
}

diesel::table! {
    comment_totals (team_id, month, respondent, sentiment, theme) {
        team_id -> Text,
        month -> Text,
        respondent -> Text,
        sentiment -> Text,
        theme -> Text,
        count -> BigInt,
    }
}

diesel::table! {
    concerns (id) {
        id -> Text,
        team_id -> Text,
        source -> Text,
        summary -> Text,
        comment_id -> Nullable<Text>,
        raised_on -> Date,
        closed_on -> Nullable<Date>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    actions (id) {
        id -> Text,
        concern_id -> Text,
        description -> Text,
        owner -> Text,
        due_on -> Date,
        status -> Text,
        reason -> Nullable<Text>,
        outcome -> Nullable<Text>,
        planned_on -> Date,
        in_progress_on -> Nullable<Date>,
        done_on -> Nullable<Date>,
        not_taken_forward_on -> Nullable<Date>,
        publishable -> Bool,
        public_you_said -> Nullable<Text>,
        public_wording -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    mail_outbox (id) {
        id -> Text,
        subject_id -> Text,
        kind -> Text,
        channel -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        sent -> Bool,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        failed -> Bool,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        at -> Timestamp,
        actor -> Text,
        action -> Text,
        team_id -> Nullable<Text>,
        detail -> Text,
    }
}

diesel::table! {
    staged_responses (id) {
        id -> Text,
        team_id -> Text,
        survey_version_id -> Text,
        respondent -> Text,
        channel -> Text,
        month -> Text,
        answers -> Text,
    }
}

diesel::table! {
    urgent_comments (id) {
        id -> Text,
        team_id -> Text,
        survey_version_id -> Text,
        respondent -> Text,
        body -> Text,
        received_on -> Date,
        acknowledged_by -> Nullable<Text>,
        acknowledged_at -> Nullable<Timestamp>,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    opt_outs (contact_hash) {
        contact_hash -> Text,
    }
}

diesel::table! {
    tablets (id) {
        id -> Text,
        team_id -> Text,
        token_hash -> Text,
        label -> Text,
        survey_slug -> Text,
        revoked -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    tablet_visits (visit_hash) {
        visit_hash -> Text,
        tablet_id -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    submission_counts (month, channel, value) {
        month -> Text,
        channel -> Text,
        value -> Text,
        count -> BigInt,
    }
}

diesel::table! {
    scheduled_jobs (name) {
        name -> Text,
        next_run_at -> Timestamp,
    }
}

diesel::table! {
    survey_rounds (id) {
        id -> Text,
        team_id -> Text,
        survey_slug -> Text,
        batch_id -> Text,
        links -> Integer,
        opened_by -> Text,
        opened_on -> Date,
        closes_on -> Date,
    }
}

diesel::table! {
    daily_invitation_counts (user_id, day) {
        user_id -> Text,
        day -> Date,
        issued -> Integer,
    }
}

diesel::table! {
    rate_limit_counters (limit_key) {
        limit_key -> Text,
        window_start -> Timestamp,
        hits -> Integer,
    }
}

diesel::joinable!(team_roles -> users (user_id));
diesel::joinable!(team_roles -> teams (team_id));
diesel::joinable!(api_keys -> users (user_id));
diesel::joinable!(invitations -> teams (team_id));
diesel::joinable!(invitation_tokens -> invitations (invitation_id));
diesel::joinable!(answers -> responses (response_id));
diesel::joinable!(comments -> responses (response_id));
diesel::joinable!(concerns -> teams (team_id));
diesel::joinable!(responses -> teams (team_id));
diesel::joinable!(answer_totals -> teams (team_id));
diesel::joinable!(response_totals -> teams (team_id));
diesel::joinable!(actions -> concerns (concern_id));
diesel::joinable!(urgent_comments -> teams (team_id));
diesel::joinable!(tablets -> teams (team_id));
diesel::joinable!(tablet_visits -> tablets (tablet_id));
diesel::joinable!(urgent_comments -> survey_versions (survey_version_id));
diesel::joinable!(survey_rounds -> teams (team_id));
diesel::joinable!(daily_invitation_counts -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    teams,
    users,
    team_roles,
    api_keys,
    login_throttle,
    survey_versions,
    invitations,
    invitation_tokens,
    responses,
    answers,
    comments,
    concerns,
    actions,
    mail_outbox,
    audit_log,
    response_totals,
    answer_totals,
    comment_totals,
    equality_totals,
    invitation_totals,
    scheduled_jobs,
    staged_responses,
    urgent_comments,
    opt_outs,
    tablets,
    tablet_visits,
    submission_counts,
    survey_rounds,
    daily_invitation_counts,
    rate_limit_counters,
);
