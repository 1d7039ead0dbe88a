//! What the demo's people write: comments written for the demo (no real person's words), each
//! used at most once per team, so no page shows the same comment twice. A response's comment
//! fits its FFT answer: praise with a good rating, a complaint with a poor one.

use super::Dice;

/// Comments of people who rated the service good or very good.
const PRAISE: &[&str] = &[
    "The staff were kind and treated me with respect every time they came.",
    "They listened to my family and included my mum in the plans.",
    "The nurse explained my medication clearly and checked on side effects.",
    "They helped me sort out my benefits and talk to my landlord.",
    "I felt heard for the first time in a long time.",
    "The leaflet about where to get help after discharge was really useful.",
    "My carer was kept informed and that made a big difference.",
    "Communication between the team and my GP was good.",
    "They always rang to say if they were running late.",
    "Seeing mostly the same two workers helped me trust them.",
    "The support worker helped me get back into a routine with meals and sleep.",
    "We made a plan together for what to do if things get bad again, and it is on my fridge.",
    "I was never made to feel like a nuisance, even when I phoned at night.",
    "The doctor took time to explain why my tablets were changed.",
    "They gave my partner a number to call too, which helped us both.",
    "The visits were never rushed and we could talk about what was worrying me.",
    "They helped me write down some ways to cope when the panic starts.",
    "I was told a week before the visits ended, so it did not feel sudden.",
    "They came the same day I was referred, which I did not expect.",
    "My daughter was invited to the review meeting and felt part of it.",
    "The team treated my culture and faith with respect.",
    "They sorted a food bank voucher when I had nothing in.",
    "I knew who my named worker was and who to ask for what.",
    "They put me in touch with a peer support group for after they stopped coming.",
    "Staff were calm and patient when I was at my worst.",
    "Being treated at home meant I could stay with my dog, which kept me going.",
    "The follow-up call after discharge was a nice touch.",
    "They spoke to me like a person, not a diagnosis.",
    "They explained everything in plain words and checked I understood.",
    "I got a clear letter at the end saying what happens next.",
    "The crisis line number they gave me has already helped once.",
    "They helped me phone work and explain why I was off.",
    "Every visit started with asking what mattered to me that day.",
    "The handover to the community mental health team went smoothly.",
    "They arranged a carer's assessment for my husband, which he had never been offered.",
    "Good, they got me through it.",
    "Really helpful and kind.",
    "They gave me hope when I had none.",
    "The night staff were just as good as the day staff.",
    "I liked that they texted the visit time the night before.",
];

/// Comments of people who rated the service poor or very poor.
const COMPLAINTS: &[&str] = &[
    "Nobody called me back for three days when I rang the team.",
    "I saw a different person at nearly every visit, which was hard.",
    "I was not told about other services when the team stopped visiting.",
    "Visits were often late and nobody phoned to say so.",
    "I felt rushed and not listened to.",
    "Waiting for the first visit took too long.",
    "My family were not asked what they thought, even though they live with me.",
    "The visits stopped with no warning and I did not know who to call.",
    "Too much focus on my medication and not on what was going on in my life.",
    "I had to tell my story again to every new person.",
    "Nobody explained the side effects of the new tablets.",
    "They said they would help with my housing but nothing happened.",
    "I was given a leaflet instead of a proper plan.",
    "Staff talked about me to my mum as if I was not in the room.",
    "The phone line rang out at the weekend.",
    "I did not know who was in charge of my care.",
];

/// Comments of people who rated the service neither good nor poor, or did not know.
const MIXED: &[&str] = &[
    "It was ok.",
    "Some staff were brilliant, others seemed not to have read my notes.",
    "The help was good but the visit times were all over the place.",
    "Kind people, but I needed more than a check on my tablets.",
    "Helpful in the end, though it took a while to get going.",
    "Fine overall. Parking outside my flat was a problem for them.",
    "The day team were great; evenings were harder to get hold of.",
    "I am not sure yet whether it helped. Time will tell.",
    "Good support for me, less so for my partner.",
    "They did what they said, no more and no less.",
    "Mixed. The first week was good, the second less so.",
    "Not much to say, it did the job.",
    "Useful advice, but I would have liked a written copy.",
    "Nice staff, but I was discharged sooner than I felt ready.",
];

/// What staff would change.
const STAFF_IDEAS: &[&str] = &[
    "More time for handovers between shifts.",
    "A named worker for every person, kept for the whole episode.",
    "Protected time to call families, not just when we have a gap.",
    "Easier access to the housing officer for urgent cases.",
    "Fewer duplicate forms so visits are not spent on paperwork.",
    "Regular joint meetings with the community teams.",
    "A shared calendar so people know who is coming and when.",
    "Training on carers' assessments for newer staff.",
    "Cars that are available at night so visits are not delayed.",
    "A quiet room at base for phone calls with families.",
    "Peer support workers on every shift.",
    "Clearer criteria for ending care, agreed with the person.",
];

/// What partner services would change.
const PARTNER_IDEAS: &[&str] = &[
    "A single phone number that is answered at all hours.",
    "Copies of the discharge plan sent to the GP on the same day.",
    "A named contact for each practice.",
    "Let us know when you start working with someone we also support.",
    "Joint visits for people we both know well.",
    "Shorter, clearer referral forms.",
    "A regular meeting with the voluntary sector groups in the area.",
    "Tell us what the crisis plan says so we can back it up.",
    "Quicker replies to emails about shared patients.",
    "Share the out-of-hours rota with the community team.",
];

/// What kind of comment a response gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Praise,
    Complaint,
    Mixed,
    StaffIdea,
    PartnerIdea,
}

/// One team's comments still unused, each list in an order of its own.
pub(crate) struct Comments {
    left: Vec<(Kind, Vec<&'static str>)>,
}

impl Comments {
    /// Every comment, shuffled by `dice`.
    pub(crate) fn new(dice: &mut Dice) -> Self {
        let left = [
            (Kind::Praise, PRAISE),
            (Kind::Complaint, COMPLAINTS),
            (Kind::Mixed, MIXED),
            (Kind::StaffIdea, STAFF_IDEAS),
            (Kind::PartnerIdea, PARTNER_IDEAS),
        ]
        .into_iter()
        .map(|(kind, list)| {
            let mut list = list.to_vec();
            // Fisher–Yates with the demo's own dice, so every demo database is the same.
            for i in (1..list.len()).rev() {
                list.swap(i, dice.below(i as u64 + 1) as usize);
            }
            (kind, list)
        })
        .collect();
        Comments { left }
    }

    /// The next unused comment of `kind`, or none when they have all been used.
    pub(crate) fn take(&mut self, kind: Kind) -> Option<&'static str> {
        self.left
            .iter_mut()
            .find(|(k, _)| *k == kind)
            .and_then(|(_, list)| list.pop())
    }

    /// Any one comment, for callers that do not mind repeats (the report benchmark).
    pub(crate) fn any(dice: &mut Dice) -> &'static str {
        let all: Vec<&str> = PRAISE
            .iter()
            .chain(COMPLAINTS)
            .chain(MIXED)
            .copied()
            .collect();
        all[dice.below(all.len() as u64) as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_comment_is_written_twice() {
        let mut all: Vec<&str> = [PRAISE, COMPLAINTS, MIXED, STAFF_IDEAS, PARTNER_IDEAS].concat();
        let count = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), count);
    }

    #[test]
    fn a_team_gets_each_comment_once_and_then_no_more() {
        let mut comments = Comments::new(&mut Dice(7));
        let mut seen = std::collections::HashSet::new();
        while let Some(c) = comments.take(Kind::Complaint) {
            assert!(seen.insert(c));
        }
        assert_eq!(seen.len(), COMPLAINTS.len());
    }
}
