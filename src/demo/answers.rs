//! How the demo's people answer. Each team agrees at a rate of its own, with exceptions chosen
//! so that the dashboard shows every status: in the North team most criteria agree, 12f (phoned
//! when late) is below the threshold, and 13d has too few service users' answers to say, since
//! few of them wanted family involved.

use super::Dice;
use super::comments::{Comments, Kind};
use crate::surveys::answers::{Answer, AnswerValue};
use crate::surveys::{Dimension, Question, QuestionKind, Respondent, SurveyVersion};
use std::collections::HashMap;

/// One demo team.
pub(crate) struct Profile {
    pub code: &'static str,
    pub name: &'static str,
    /// How many in a hundred agree (or say yes), question by question, unless listed below.
    pub agree_pct: u64,
    /// Questions answered at another rate.
    pub rates: &'static [(&'static str, u64)],
    /// Questions that only a few people answer: how many responses in the year.
    pub rare: &'static [(&'static str, u32)],
    /// Responses a month by group, released together: service users, carers, staff, partners.
    pub per_month: [(Respondent, u32); 4],
}

/// The three demo teams.
pub(crate) const TEAMS: [Profile; 3] = [
    Profile {
        code: "DEMO-NORTH",
        name: "North crisis team",
        agree_pct: 93,
        rates: &[("phoned_if_late", 52)],
        rare: &[("wanted_people_part", 3)],
        per_month: [
            (Respondent::ServiceUser, 30),
            (Respondent::Carer, 15),
            (Respondent::Staff, 9),
            (Respondent::Partner, 6),
        ],
    },
    Profile {
        code: "DEMO-SOUTH",
        name: "South home treatment team",
        agree_pct: 86,
        rates: &[("time_to_talk", 72), ("carer_assessment_told", 40)],
        rare: &[],
        per_month: [
            (Respondent::ServiceUser, 28),
            (Respondent::Carer, 14),
            (Respondent::Staff, 8),
            (Respondent::Partner, 6),
        ],
    },
    Profile {
        code: "DEMO-EAST",
        name: "East crisis team",
        agree_pct: 76,
        rates: &[],
        rare: &[],
        per_month: [
            (Respondent::ServiceUser, 26),
            (Respondent::Carer, 13),
            (Respondent::Staff, 8),
            (Respondent::Partner, 6),
        ],
    },
];

/// How often each "About you" answer is given, in a hundred or so (a mix like an English
/// city's); a question is skipped one time in ten.
fn about_you_weight(dimension: Dimension, option: &str) -> u64 {
    let table: &[(&str, u64)] = match dimension {
        Dimension::EthnicGroup => &[
            ("white_british", 66),
            ("white_irish", 2),
            ("white_other", 6),
            ("mixed_white_black_caribbean", 2),
            ("mixed_white_black_african", 1),
            ("mixed_white_asian", 1),
            ("mixed_other", 1),
            ("asian_indian", 4),
            ("asian_pakistani", 3),
            ("asian_bangladeshi", 1),
            ("asian_other", 1),
            ("black_caribbean", 3),
            ("black_african", 4),
            ("black_other", 1),
            ("chinese", 1),
            ("other", 1),
            ("prefer_not_to_say", 4),
        ],
        Dimension::AgeBand => &[
            ("age_under_18", 1),
            ("age_18_24", 12),
            ("age_25_34", 20),
            ("age_35_44", 20),
            ("age_45_54", 18),
            ("age_55_64", 14),
            ("age_65_74", 8),
            ("age_75_plus", 4),
            ("prefer_not_to_say", 3),
        ],
        Dimension::Gender => &[
            ("woman", 52),
            ("man", 42),
            ("non_binary", 2),
            ("another_way", 1),
            ("prefer_not_to_say", 3),
        ],
        Dimension::Disability => &[("yes", 45), ("no", 45), ("prefer_not_to_say", 10)],
    };
    table
        .iter()
        .find(|(id, _)| *id == option)
        .map_or(0, |(_, w)| *w)
}

/// One team's people answering, one response after another.
pub(crate) struct Answering<'p> {
    profile: &'p Profile,
    comments: Comments,
    rare_left: HashMap<&'static str, u32>,
}

impl<'p> Answering<'p> {
    pub(crate) fn new(profile: &'p Profile, dice: &mut Dice) -> Self {
        Answering {
            profile,
            comments: Comments::new(dice),
            rare_left: profile.rare.iter().copied().collect(),
        }
    }

    fn rate(&self, question: &str) -> u64 {
        self.profile
            .rates
            .iter()
            .find(|(id, _)| *id == question)
            .map_or(self.profile.agree_pct, |(_, r)| *r)
    }

    /// An FFT or agree-scale answer: mostly 4 or 5 at the question's rate, else 3, 2 or 1, and
    /// don't know now and then.
    fn scale(&self, dice: &mut Dice, question: &str) -> AnswerValue {
        if dice.below(100) < 3 {
            return AnswerValue::DontKnow;
        }
        if dice.below(100) < self.rate(question) {
            AnswerValue::Scale(if dice.below(100) < 55 { 5 } else { 4 })
        } else {
            AnswerValue::Scale(match dice.below(10) {
                0..=4 => 3,
                5..=7 => 2,
                _ => 1,
            })
        }
    }

    fn about_you(dice: &mut Dice, q: &Question, dimension: Dimension) -> Option<AnswerValue> {
        if dice.below(10) == 0 {
            return None;
        }
        let weights: Vec<u64> = q
            .options
            .iter()
            .map(|o| about_you_weight(dimension, &o.id))
            .collect();
        let total: u64 = weights.iter().sum();
        let mut roll = dice.below(total.max(1));
        for (option, weight) in q.options.iter().zip(weights) {
            if roll < weight {
                return Some(AnswerValue::Choice(option.id.clone()));
            }
            roll -= weight;
        }
        q.options.first().map(|o| AnswerValue::Choice(o.id.clone()))
    }

    /// A comment for the response's FFT answer, or the group's own idea, used once per team.
    fn comment(&mut self, dice: &mut Dice, q: &Question, fft: Option<u8>) -> Option<AnswerValue> {
        let kind = match q.id.as_str() {
            "fft_reason" if dice.below(100) < 9 => match fft {
                Some(4 | 5) => Kind::Praise,
                Some(1 | 2) => Kind::Complaint,
                _ => Kind::Mixed,
            },
            "one_improvement" if dice.below(100) < 15 => Kind::StaffIdea,
            "improve_joint_working" if dice.below(100) < 15 => Kind::PartnerIdea,
            _ => return None,
        };
        self.comments
            .take(kind)
            .map(|text| AnswerValue::Text(text.to_string()))
    }

    /// One response's answers to `version`.
    pub(crate) fn answers(&mut self, version: &SurveyVersion, dice: &mut Dice) -> Vec<Answer> {
        let mut out = Vec::new();
        let mut fft = None;
        for q in &version.survey.questions {
            if let Some(left) = self.rare_left.get_mut(q.id.as_str()) {
                if *left == 0 {
                    continue;
                }
                *left -= 1;
            } else if !q.required && q.equality.is_none() && q.kind != QuestionKind::Text {
                // Optional questions are sometimes skipped.
                if dice.below(100) < 8 {
                    continue;
                }
            }
            let value = match (q.kind, q.equality) {
                (_, Some(dimension)) => Self::about_you(dice, q, dimension),
                (QuestionKind::Fft, _) => {
                    let v = self.scale(dice, &q.id);
                    if let AnswerValue::Scale(n) = v {
                        fft = Some(n);
                    }
                    Some(v)
                }
                (QuestionKind::Agree5, _) => Some(self.scale(dice, &q.id)),
                (QuestionKind::YesNo, _) => Some(if dice.below(100) < 5 {
                    AnswerValue::DontKnow
                } else if dice.below(100) < self.rate(&q.id) {
                    AnswerValue::Yes
                } else {
                    AnswerValue::No
                }),
                (QuestionKind::Choice, None) => q
                    .options
                    .get(dice.below(q.options.len() as u64) as usize)
                    .map(|o| AnswerValue::Choice(o.id.clone())),
                (QuestionKind::Text, None) => self.comment(dice, q, fft),
            };
            if let Some(value) = value {
                out.push(Answer {
                    question_id: q.id.clone(),
                    kind: q.kind,
                    value,
                    equality: q.equality,
                });
            }
        }
        out
    }
}
