//! `serve --demo`: a demo organisation in the embedded database, so a newcomer sees a full
//! dashboard at once. Three teams, about two thousand responses over twelve months released
//! in monthly batches, concerns and actions in various states, comments on every theme (each
//! used once per team), "About you" answers, and results that show every status.
//! Loaded once; never on PostgreSQL.

mod answers;
mod comments;

use crate::concerns::actions::{self, ActionChange, NewAction};
use crate::concerns::{self, ConcernSource, Summary};
use crate::db::DbConnection;
use crate::responses::{self, NewResponse, TextRules};
use crate::staff::{self, Role, StaffEmail, passwords::NewPassword};
use crate::surveys::answers::{Answer, AnswerValue};
use crate::surveys::{Catalogue, QuestionKind, SurveyVersion};
use crate::teams::{self, TeamCode};
use crate::text::RiskTerms;
use crate::text::themes::Theme;
use chrono::{Datelike, TimeDelta};
use diesel::Connection;
use std::sync::Arc;

/// The demo manager's sign-in, printed at start.
pub const DEMO_EMAIL: &str = "demo.manager@example.org";
/// Only for the demo database, which holds no real data.
pub const DEMO_PASSWORD: &str = "demo-password-2026";

/// A small deterministic generator, so every demo database looks the same.
pub(crate) struct Dice(pub(crate) u64);

impl Dice {
    pub(crate) fn next(&mut self) -> u64 {
        // xorshift64*: enough for demo data, and reproducible.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn pick_scale(d: &mut Dice, goodness: u64) -> String {
    // Mostly agree, some neutral, a few disagree; goodness shifts the mix per team.
    let roll = d.below(100);
    let v = if roll < 4 {
        "dont_know"
    } else if roll < 4 + 8 - goodness.min(6) {
        if d.below(2) == 0 { "1" } else { "2" }
    } else if roll < 22 {
        "3"
    } else if roll < 60 {
        "4"
    } else {
        "5"
    };
    v.to_string()
}

/// Answers of one made-up response, for the report benchmark, which does not mind a comment
/// said twice. The demo itself answers through `answers::Answering`.
pub(crate) fn answers_for(version: &SurveyVersion, d: &mut Dice, goodness: u64) -> Vec<Answer> {
    let mut out = Vec::new();
    for q in &version.survey.questions {
        let value = match q.kind {
            QuestionKind::Fft | QuestionKind::Agree5 => {
                let v = pick_scale(d, goodness);
                if v == "dont_know" {
                    AnswerValue::DontKnow
                } else {
                    AnswerValue::Scale(v.parse().unwrap_or(4))
                }
            }
            QuestionKind::YesNo => match d.below(10) {
                0 => AnswerValue::DontKnow,
                1 | 2 => AnswerValue::No,
                _ => AnswerValue::Yes,
            },
            QuestionKind::Choice => match q.options.get(d.below(q.options.len() as u64) as usize) {
                Some(o) => AnswerValue::Choice(o.id.clone()),
                None => continue,
            },
            QuestionKind::Text => {
                if d.below(3) != 0 {
                    continue;
                }
                AnswerValue::Text(comments::Comments::any(d).to_string())
            }
        };
        out.push(Answer {
            question_id: q.id.clone(),
            kind: q.kind,
            value,
            equality: q.equality,
        });
    }
    out
}

/// Loads the demo unless it is there already. Returns whether it loaded.
pub fn load(
    conn: &mut DbConnection,
    catalogue: &Catalogue,
    themes: &[Theme],
) -> anyhow::Result<bool> {
    if teams::find_by_code(conn, "DEMO-NORTH")?.is_some() {
        return Ok(false);
    }
    let versions: Vec<Arc<SurveyVersion>> = catalogue.all_current().cloned().collect();
    let risk = RiskTerms::default();
    let tagger = crate::text::themes::Tagger::new(themes);
    let rules = TextRules {
        risk: &risk,
        themes: &tagger,
    };
    let today = crate::db::today();
    let mut dice = Dice(0x5EED_CAFE_F00D_0001);
    let mut grants = Vec::new();
    for profile in &answers::TEAMS {
        let team = teams::add(
            conn,
            &TeamCode::parse(profile.code).map_err(anyhow::Error::msg)?,
            profile.name,
        )?;
        teams::set_crisis_line(
            conn,
            &team.id,
            Some(&format!(
                "{}: call 0300 555 0100, day or night",
                profile.name
            )),
        )?;
        crate::urgent::set_duty_contact(
            conn,
            &team.id,
            Some(Some(&format!(
                "duty.{}@example.org",
                profile.code.trim_start_matches("DEMO-").to_lowercase()
            ))),
            None,
        )?;
        grants.push((team.id.clone(), Role::Manager));
        let mut answering = answers::Answering::new(profile, &mut dice);
        conn.transaction(|conn| {
            let mut tally = crate::totals::Tally::default();
            // Twelve months, each group released as one batch a month, as the service would:
            // every month's count for a group is at least min_n, so every cell is shown.
            for month_back in 0..12_u32 {
                let first = today
                    .checked_sub_months(chrono::Months::new(month_back))
                    .and_then(|d| d.with_day(1))
                    .unwrap_or(today);
                for (slot, (respondent, count)) in profile.per_month.iter().enumerate() {
                    let received_on = (first + TimeDelta::days(3 + 7 * slot as i64)).min(today);
                    let Some(version) =
                        versions.iter().find(|v| v.survey.respondent == *respondent)
                    else {
                        continue;
                    };
                    for _ in 0..*count {
                        let given = answering.answers(version, &mut dice);
                        let channel = ["email", "printed", "other"][dice.below(3) as usize];
                        let new = NewResponse {
                            team_id: &team.id,
                            survey_version_id: &version.id,
                            respondent: *respondent,
                            channel,
                            received_on,
                        };
                        let stored = responses::store(
                            conn,
                            &new,
                            &responses::Prepared::new(&given, &rules),
                            &mut tally,
                        )?;
                        concerns::raise_from_response(conn, &team.id, &stored, received_on)?;
                    }
                }
                let month_total: u32 = profile.per_month.iter().map(|(_, n)| n).sum();
                crate::totals::add_invitations(
                    conn,
                    &team.id,
                    &crate::totals::month_of(first),
                    &versions[0].id,
                    i64::from(month_total) * 5 / 3,
                )?;
            }
            tally.write(conn)?;
            // Hand-logged concerns with actions in every state.
            let logged = [
                ("complaint", "Calls not returned at weekends"),
                ("pals", "Family not told when visits were moved"),
                ("audit", "Discharge letters missing crisis numbers"),
                ("staff", "Handover notes too brief between shifts"),
                ("complaint", "A different worker at almost every visit"),
            ];
            for (n, (source, summary)) in logged.iter().enumerate() {
                let source =
                    ConcernSource::parse_loggable(source).map_err(|e| anyhow::anyhow!("{e}"))?;
                let summary = Summary::parse(summary).map_err(|e| anyhow::anyhow!("{e}"))?;
                let concern = concerns::log(conn, &team.id, source, &summary)?;
                let due = today + TimeDelta::days(if n == 1 { -10 } else { 30 });
                let new = NewAction::parse(
                    "Agree and start a fix with the team",
                    "Team manager",
                    &due.to_string(),
                )
                .map_err(|e| anyhow::anyhow!("{e}"))?;
                let action = actions::add(conn, &concern, &new)?;
                let current = actions::find(conn, &action)?
                    .ok_or_else(|| anyhow::anyhow!("demo action vanished"))?;
                // "You said" and "We did" are the page's own labels: the wording follows them.
                let change = match n {
                    0 => ActionChange {
                        status: Some("done".into()),
                        outcome: Some("Weekend call-back rota started".into()),
                        publishable: Some(true),
                        public_you_said: Some(
                            "Calls to the team at weekends were not returned.".into(),
                        ),
                        public_wording: Some(
                            "A named member of staff now returns calls every weekend, the same day."
                                .into(),
                        ),
                        ..ActionChange::default()
                    },
                    4 => ActionChange {
                        status: Some("done".into()),
                        outcome: Some("Rotas planned around each person's key workers".into()),
                        publishable: Some(true),
                        public_you_said: Some(
                            "A different worker came to almost every visit, so you had to keep \
                             repeating your story."
                                .into(),
                        ),
                        public_wording: Some(
                            "Each person now has two key workers, who make most of the visits."
                                .into(),
                        ),
                        ..ActionChange::default()
                    },
                    2 => ActionChange {
                        status: Some("in_progress".into()),
                        ..ActionChange::default()
                    },
                    3 => ActionChange {
                        status: Some("not_taken_forward".into()),
                        reason: Some("Covered by the new handover template".into()),
                        ..ActionChange::default()
                    },
                    _ => ActionChange::default(),
                };
                actions::update(conn, &current, &change).map_err(|e| anyhow::anyhow!("{e}"))?;
            }
            anyhow::Ok(())
        })?;
    }
    let password = NewPassword::parse(DEMO_PASSWORD).map_err(anyhow::Error::msg)?;
    staff::add_or_update(
        conn,
        &StaffEmail::parse(DEMO_EMAIL).map_err(anyhow::Error::msg)?,
        &password,
        false,
        &grants,
    )?;
    Ok(true)
}
