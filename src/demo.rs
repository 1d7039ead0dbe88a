//! `serve --demo`: a demo organisation in the embedded database, so a newcomer sees a full
//! dashboard at once. Three teams, about two thousand responses over twelve months, concerns
//! and actions in various states, and comments on every theme. Loaded once; never on PostgreSQL.

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
use chrono::TimeDelta;
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

pub(crate) const COMMENTS: &[&str] = &[
    "The staff were kind and treated me with respect every time they came.",
    "Nobody called me back for three days when I rang the team.",
    "They listened to my family and included my mum in the plans.",
    "I saw a different person at nearly every visit, which was hard.",
    "The nurse explained my medication clearly and checked on side effects.",
    "I was not told about other services when the team stopped visiting.",
    "They helped me sort out my benefits and talk to my landlord.",
    "Visits were often late and nobody phoned to say so.",
    "I felt heard for the first time in a long time.",
    "The leaflet about where to get help after discharge was really useful.",
    "I felt rushed and not listened to.",
    "My carer was kept informed and that made a big difference.",
    "It was ok.",
    "Waiting for the first visit took too long.",
    "Communication between the team and my GP was good.",
];

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
                AnswerValue::Text(COMMENTS[d.below(COMMENTS.len() as u64) as usize].to_string())
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
    for (code, name, goodness, count) in [
        ("DEMO-NORTH", "North crisis team", 5_u64, 720_u32),
        ("DEMO-SOUTH", "South home treatment team", 2, 680),
        ("DEMO-EAST", "East crisis team", 0, 640),
    ] {
        let team = teams::add(
            conn,
            &TeamCode::parse(code).map_err(anyhow::Error::msg)?,
            name,
        )?;
        teams::set_crisis_line(
            conn,
            &team.id,
            Some(&format!("{name}: call 0300 555 0100, day or night")),
        )?;
        grants.push((team.id.clone(), Role::Manager));
        conn.transaction(|conn| {
            let mut tally = crate::totals::Tally::default();
            for i in 0..count {
                // Spread over the last twelve months; service users most, partners fewest.
                let received_on = today - TimeDelta::days(i64::from(i) * 365 / i64::from(count));
                let group_roll = dice.below(100);
                let respondent = match group_roll {
                    0..=49 => crate::surveys::Respondent::ServiceUser,
                    50..=74 => crate::surveys::Respondent::Carer,
                    75..=89 => crate::surveys::Respondent::Staff,
                    _ => crate::surveys::Respondent::Partner,
                };
                let Some(version) = versions.iter().find(|v| v.survey.respondent == respondent)
                else {
                    continue;
                };
                let given = answers_for(version, &mut dice, goodness);
                let channel = ["email", "printed", "other"][dice.below(3) as usize];
                let new = NewResponse {
                    team_id: &team.id,
                    survey_version_id: &version.id,
                    respondent,
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
            tally.write(conn)?;
            for month_back in 0..12_u32 {
                let month = today
                    .checked_sub_months(chrono::Months::new(month_back))
                    .unwrap_or(today);
                let issued = i64::from(count) / 12 * 5 / 3;
                crate::totals::add_invitations(
                    conn,
                    &team.id,
                    &crate::totals::month_of(month),
                    &versions[0].id,
                    issued,
                )?;
            }
            // Hand-logged concerns with actions in every state.
            let logged = [
                ("complaint", "Calls not returned at weekends"),
                ("pals", "Family not told when visits were moved"),
                ("audit", "Discharge letters missing crisis numbers"),
                ("staff", "Handover notes too brief between shifts"),
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
                let change = match n {
                    0 => ActionChange {
                        status: Some("done".into()),
                        outcome: Some("Weekend call-back rota started".into()),
                        publishable: Some(true),
                        public_you_said: Some(
                            "You said calls at weekends were not returned.".into(),
                        ),
                        public_wording: Some(
                            "We now have a named person returning calls every weekend.".into(),
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
