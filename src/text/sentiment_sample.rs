//! Hand-labelled feedback sentences: the lexicon rules were written against them, and the trained
//! model learns from four fifths of them (`corpus.rs`; the other fifth is reported as "project
//! sentences" in its test figures).
//!
//! Written fresh for this project in the style of comments left for crisis
//! resolution and home treatment teams by service users and carers; none is
//! a real comment. Labelling rules: `Positive` when the comment as a whole
//! praises the service; `Negative` when it raises a concern the team should
//! act on, including mixed comments whose complaint is the main point and
//! sarcasm; `Neutral` for descriptions, lukewarm one-word answers, non-answers
//! and mixed comments that come down on neither side.

use super::sentiment::Sentiment::{self, Negative, Neutral, Positive};

/// The development sample: the domain rules were written and adjusted with
/// these in view, so accuracy here is an optimistic figure. Entries 34 to 45
/// and 46 to 60 of each class were written as two successive held-out sets
/// and joined this sample once their errors had been used to improve the
/// rules (first held out: 0.667 with the rules against 0.528 for VADER
/// alone; second: 0.600 against 0.600).
pub(crate) const SAMPLE: &[(&str, Sentiment)] = &[
    // Positive
    (
        "The team were brilliant, they really listened to me.",
        Positive,
    ),
    ("Honestly they saved my life.", Positive),
    (
        "Couldn't have asked for more from the home treatment team.",
        Positive,
    ),
    (
        "Always on time and always rang if they were running late.",
        Positive,
    ),
    ("I felt heard for the first time in years.", Positive),
    (
        "Staff were kind and patient with my mum as well as me.",
        Positive,
    ),
    ("Nothing was too much trouble.", Positive),
    (
        "They explained my medication properly and checked I was ok with it.",
        Positive,
    ),
    (
        "Thank you to everyone who visited, you got me through the worst week of my life.",
        Positive,
    ),
    (
        "Really good service, quick response when I called.",
        Positive,
    ),
    ("The nurse who came on Sunday was amazing.", Positive),
    ("I was treated with respect and never judged.", Positive),
    ("Very good", Positive),
    ("Excellent support for me and my husband.", Positive),
    (
        "They came within an hour of me calling and stayed until I felt safe.",
        Positive,
    ),
    (
        "Having the same two workers most days made a real difference.",
        Positive,
    ),
    ("Can't fault them at all.", Positive),
    (
        "They helped me sort out my benefits and got me a food bank voucher, which took so much pressure off.",
        Positive,
    ),
    (
        "My daughter says the team were the first people who actually listened to her.",
        Positive,
    ),
    ("Very professional and caring.", Positive),
    (
        "I didn't have to wait long at all, someone was out the same day.",
        Positive,
    ),
    (
        "The discharge was well planned and I knew who to call if things got bad again.",
        Positive,
    ),
    ("Good", Positive),
    ("I was kept informed all the way through.", Positive),
    (
        "They involved my partner in every decision, which meant a lot to both of us.",
        Positive,
    ),
    ("Really supportive, I never felt rushed.", Positive),
    (
        "The best care I've had from mental health services.",
        Positive,
    ),
    ("The staff went above and beyond.", Positive),
    (
        "Friendly, calm and reassuring when I was at my lowest.",
        Positive,
    ),
    (
        "Without them I would have ended up back in hospital.",
        Positive,
    ),
    ("It was a lot better than I expected.", Positive),
    ("Brilliant. Thank you all.", Positive),
    (
        "They took the time to understand what I needed rather than just ticking boxes.",
        Positive,
    ),
    (
        "The team were fantastic with my son, nothing but praise.",
        Positive,
    ),
    (
        "Every single person who came was kind and took me seriously.",
        Positive,
    ),
    (
        "They rang back within ten minutes when I was in a bad way.",
        Positive,
    ),
    (
        "I genuinely don't think I'd be here without them.",
        Positive,
    ),
    (
        "Really helpful, they sorted my prescription and checked in every day.",
        Positive,
    ),
    ("Good listeners.", Positive),
    ("Calm, respectful and on time.", Positive),
    ("My wife and I both felt supported throughout.", Positive),
    (
        "Much better than my last experience with the team.",
        Positive,
    ),
    ("Five stars.", Positive),
    (
        "They made sure I had everything in place before they discharged me.",
        Positive,
    ),
    ("I can't thank them enough.", Positive),
    (
        "From the first phone call I felt like someone finally understood.",
        Positive,
    ),
    (
        "The support worker who came on Fridays was a star.",
        Positive,
    ),
    (
        "They were patient with me even when I was angry and shouting.",
        Positive,
    ),
    ("Made me feel safe at home again.", Positive),
    (
        "Everyone was so gentle with my dad, he trusted them.",
        Positive,
    ),
    (
        "I would recommend them to anyone going through a hard time.",
        Positive,
    ),
    ("Quick to respond and easy to talk to.", Positive),
    (
        "They sorted out a mix up with my pharmacy the same afternoon.",
        Positive,
    ),
    ("Top team, cannot praise them highly enough.", Positive),
    (
        "The doctor took my worries seriously and changed my medication.",
        Positive,
    ),
    (
        "Really down to earth staff who treated me like a person.",
        Positive,
    ),
    (
        "Helped my wife understand what was going on, which made a huge difference to us both.",
        Positive,
    ),
    ("I'm doing so much better now thanks to them.", Positive),
    ("Visits were always when they said they would be.", Positive),
    ("Superb.", Positive),
    // Neutral
    ("ok", Neutral),
    ("n/a", Neutral),
    ("fine", Neutral),
    ("No comment.", Neutral),
    (
        "They visited me at home most days for about two weeks.",
        Neutral,
    ),
    ("I saw a nurse and a support worker.", Neutral),
    ("The team talked to me about my medication.", Neutral),
    (
        "I was under the crisis team after a stay in hospital.",
        Neutral,
    ),
    ("My mum filled this in with me.", Neutral),
    ("Nothing to add.", Neutral),
    ("It was alright.", Neutral),
    (
        "Some visits were in the morning and some in the afternoon.",
        Neutral,
    ),
    ("I'm not sure what else to say.", Neutral),
    (
        "They gave me a leaflet with the phone numbers on it.",
        Neutral,
    ),
    ("I was discharged to my GP after three weeks.", Neutral),
    (
        "Can't really remember much about it as I was very unwell at the time.",
        Neutral,
    ),
    ("Some staff were better than others.", Neutral),
    ("The phone number was on the letter.", Neutral),
    ("I have a care coordinator now.", Neutral),
    (
        "They came out twice a day at first, then once a day.",
        Neutral,
    ),
    ("Average.", Neutral),
    ("I don't really have an opinion either way.", Neutral),
    ("The team is based at the hospital.", Neutral),
    ("My son answered most of the questions.", Neutral),
    ("It was a mix, some days good and some days not.", Neutral),
    (
        "We talked about what to do if I felt like that again.",
        Neutral,
    ),
    (
        "I was told the team would be in touch within 24 hours.",
        Neutral,
    ),
    ("This was my second time with the team.", Neutral),
    ("Please pass this on to the manager.", Neutral),
    ("Neither good nor poor.", Neutral),
    ("-", Neutral),
    ("They asked about my sleep and my appetite.", Neutral),
    ("The doctor changed my tablets.", Neutral),
    ("none", Neutral),
    ("okay", Neutral),
    ("The visits were mostly in the afternoon.", Neutral),
    ("I was seen by the team for about a month.", Neutral),
    ("They gave me the number for the crisis line.", Neutral),
    ("I filled this in on my phone.", Neutral),
    ("My carer helped me answer this.", Neutral),
    ("I had two visits from the doctor.", Neutral),
    ("Not much to say really.", Neutral),
    ("Some good, some bad.", Neutral),
    (
        "I moved house halfway through so saw two different teams.",
        Neutral,
    ),
    ("They talked to me about my sleep.", Neutral),
    ("no", Neutral),
    ("Not really.", Neutral),
    ("The team visited after I came out of hospital.", Neutral),
    ("I spoke to a few different people on the phone.", Neutral),
    ("I didn't need much help with money.", Neutral),
    ("We mostly talked about sleep and routine.", Neutral),
    ("My partner was there for most of the visits.", Neutral),
    ("They wrote to my GP when I was discharged.", Neutral),
    ("I only had the team for five days.", Neutral),
    ("Nothing else.", Neutral),
    ("Hard to say.", Neutral),
    ("They come in the evenings mostly.", Neutral),
    ("It was my first time using the service.", Neutral),
    ("The psychiatrist saw me once.", Neutral),
    ("As expected.", Neutral),
    // Negative
    ("Nobody called me back for three days.", Negative),
    ("I felt rushed and not listened to.", Negative),
    (
        "Different person every time, I had to repeat my story over and over.",
        Negative,
    ),
    (
        "They said they'd come at 10 and turned up at 3 without ringing.",
        Negative,
    ),
    (
        "The visits were cancelled twice with no explanation.",
        Negative,
    ),
    ("Felt like a number, not a person.", Negative),
    ("My husband was never asked how he was coping.", Negative),
    ("I waited all night for the crisis team to ring.", Negative),
    ("They were dismissive when I said I was suicidal.", Negative),
    ("No continuity at all.", Negative),
    (
        "Discharged far too early and left to cope on my own.",
        Negative,
    ),
    (
        "I wasn't told anything about what happens after discharge.",
        Negative,
    ),
    ("The doctor didn't listen to anything I said.", Negative),
    ("Not helpful.", Negative),
    ("Very poor.", Negative),
    (
        "Great, another day of waiting in for a visit that never happened.",
        Negative,
    ),
    (
        "The staff were nice enough but nobody seemed to know what was going on.",
        Negative,
    ),
    ("Rang the crisis line and no one answered.", Negative),
    ("I felt judged for self harming.", Negative),
    ("Waste of time.", Negative),
    (
        "They just kept increasing my meds and never talked to me about how I was feeling.",
        Negative,
    ),
    ("I had to chase them every day.", Negative),
    (
        "Lovely staff but the lack of communication was awful.",
        Negative,
    ),
    ("Thanks for nothing.", Negative),
    ("The night staff were rude on the phone.", Negative),
    ("I was promised a call back that never came.", Negative),
    ("Too many different faces.", Negative),
    ("My mum's concerns were completely ignored.", Negative),
    (
        "Only stayed ten minutes and seemed more interested in their paperwork.",
        Negative,
    ),
    (
        "I wasn't given any information about other services.",
        Negative,
    ),
    ("poor", Negative),
    ("Still waiting for the letter they promised.", Negative),
    (
        "They told me to have a bath and a cup of tea. Not what you need when you're suicidal.",
        Negative,
    ),
    ("Three days before anyone got back to me.", Negative),
    ("I never knew who was coming or when.", Negative),
    (
        "Appointments kept being moved at the last minute.",
        Negative,
    ),
    (
        "They didn't seem interested in how my family was coping.",
        Negative,
    ),
    ("Felt like I was a nuisance every time I called.", Negative),
    ("Left on hold for forty minutes.", Negative),
    ("The psychiatrist was cold and rushed me out.", Negative),
    ("No follow up after discharge at all.", Negative),
    (
        "I asked for help with my housing and nothing happened.",
        Negative,
    ),
    ("Terrible.", Negative),
    ("Visits were late every single day.", Negative),
    (
        "Nobody explained the side effects of the new tablets.",
        Negative,
    ),
    (
        "When I rang at night the person on the phone just read from a script.",
        Negative,
    ),
    (
        "My dad's carer was not given any say in the plan.",
        Negative,
    ),
    ("The times they gave were never kept to.", Negative),
    ("I ended up going to A&E because no one came.", Negative),
    ("One nurse told me I was attention seeking.", Negative),
    (
        "Stopped the visits with a week's notice and nothing after that.",
        Negative,
    ),
    (
        "Poor communication between the crisis team and my care coordinator.",
        Negative,
    ),
    ("They kept asking the same questions every visit.", Negative),
    (
        "I didn't feel safe being left alone after they went.",
        Negative,
    ),
    (
        "Was promised help with my flat which never materialised.",
        Negative,
    ),
    ("Talked down to.", Negative),
    (
        "Staff seemed stressed and overworked, visits felt like a tick box exercise.",
        Negative,
    ),
    (
        "My medication was changed without anyone explaining why.",
        Negative,
    ),
    (
        "Had to explain everything again to every new person.",
        Negative,
    ),
    ("Very disappointing.", Negative),
];

/// A held-out sample, written before the rules were last changed and never
/// used to adjust them: its accuracy is the fairer estimate. When frozen:
/// 0.689 with the rules against 0.644 for VADER alone, with no comment read
/// as the opposite polarity (every miss was a neutral call or a neutral
/// comment read as positive). Do not tune rules against it; write a new one.
pub(crate) const HOLDOUT: &[(&str, Sentiment)] = &[
    (
        "I was dreading them coming but they were lovely from day one.",
        Positive,
    ),
    (
        "They treated my home with respect and took their shoes off without being asked.",
        Positive,
    ),
    (
        "The OT helped me get back into a routine, I'm cooking again.",
        Positive,
    ),
    (
        "Honest, straightforward and they did what they said they'd do.",
        Positive,
    ),
    (
        "My mum says she finally got some sleep knowing they were coming.",
        Positive,
    ),
    ("A lifeline.", Positive),
    ("Nicest bunch of people I've met in the NHS.", Positive),
    ("Each visit I came away feeling a bit stronger.", Positive),
    ("They rang the GP for me so I didn't have to.", Positive),
    ("Brilliant with my kids too.", Positive),
    ("I trusted them, which doesn't happen often.", Positive),
    ("Thank you for not giving up on me.", Positive),
    (
        "Good communication between visits, texts to remind me.",
        Positive,
    ),
    ("10/10 would not change a thing.", Positive),
    (
        "Loved the peer support worker, she'd been there herself.",
        Positive,
    ),
    ("N.A.", Neutral),
    ("Same as last time.", Neutral),
    (
        "I had a visit on the Monday and a phone call on the Wednesday.",
        Neutral,
    ),
    ("I don't remember much of that week.", Neutral),
    ("My key worker was called Sam.", Neutral),
    ("They asked me to fill this in.", Neutral),
    ("Didn't use the service much.", Neutral),
    ("The team covers the whole county.", Neutral),
    ("Nothing really.", Neutral),
    ("I was referred by my GP.", Neutral),
    ("Medication was reviewed.", Neutral),
    ("They offered a leaflet about carers support.", Neutral),
    ("Mostly phone contact rather than visits.", Neutral),
    ("I'd have to think about it.", Neutral),
    ("Bit of both.", Neutral),
    (
        "Turned up without an ID badge and didn't say who they were.",
        Negative,
    ),
    (
        "I've been sectioned twice since and nobody from the team has checked on me.",
        Negative,
    ),
    (
        "Felt like they were just waiting to discharge me.",
        Negative,
    ),
    ("The out of hours number just rings and rings.", Negative),
    ("My husband was told it wasn't his business.", Negative),
    ("Plan was made about me, not with me.", Negative),
    ("Nurse was on her phone the whole visit.", Negative),
    (
        "Three different doctors gave me three different answers.",
        Negative,
    ),
    (
        "I was sent home from A&E to the crisis team and they said they couldn't help.",
        Negative,
    ),
    ("Not once did anyone ask about my children.", Negative),
    ("Visits got shorter and shorter.", Negative),
    ("Left me feeling worse than before.", Negative),
    ("They lost my notes twice.", Negative),
    (
        "I told them I wasn't safe and they said to ring back tomorrow.",
        Negative,
    ),
    (
        "Disappointed with the lack of support for carers.",
        Negative,
    ),
];
