//! Local sentiment of a free-text comment: positive, neutral or negative.
//!
//! [`classify_in_context`] (and [`classify`], for callers that know nothing but the text) is
//! what the service uses. It works in two steps:
//!
//! 1. **Non-answers are neutral**: an empty answer, "n/a", "did not answer", "no comment",
//!    "don't know"; and "nothing", "none" or "no" when the question is not known. When the
//!    question is known the model reads them, because NHS staff label "Nothing" answering "what
//!    could we do better?" as praise and answering "what was good?" as a complaint.
//! 2. **The trained model** (`model.rs`, trained by `crt-feedback text train` on real NHS
//!    comments labelled by NHS staff): a logistic regression over hashed words and character
//!    runs, the comment's FFT answer, the kind of question, and the lexicon score below. Its
//!    figures on comments kept aside from training are in the README and `weights/model.json`.
//!
//! The **lexicon score** is today's hand-built method, kept as one of the model's features and
//! for comparison ([`lexicon_and_rules`], [`lexicon_only`]):
//!
//! - **VADER** (Hutto & Gilbert 2014, via the MIT-licensed `vader_sentiment` crate): a
//!   general-purpose lexicon with rules for negation, boosters and "but". Its compound score
//!   runs from -1 to 1.
//! - **Domain rules** (the `RULES` table below) for mental-health service feedback. VADER reads
//!   "Nobody called me back for three days" and "I felt rushed and not listened to" as
//!   neutral, because the words that carry the complaint (called, back, days, rushed, listened)
//!   have no general sentiment; and it reads "I was in crisis" as negative, though that
//!   describes the person, not the service. Each rule is a phrase pattern with a weight on
//!   VADER's scale.
//!
//! Scoring: the comment is lower-cased, apostrophes dropped ("didn't" -> "didnt") and hyphens
//! spaced. Rules are tried in table order; each match adds its weight and is blanked out, so a
//! later rule, or VADER, cannot count the same words again ("not listened to" is not also
//! "listened to", and "nothing was too much trouble" does not leave "trouble" for VADER). As in
//! VADER, a rule matched before the first "but"/"however" counts half and one after it counts
//! one and a half times. The remaining text goes to VADER and the score is compound + rule
//! weights: at or above 0.05 is positive, at or below -0.05 negative (VADER's own cut-offs),
//! else neutral. Non-answers ("n/a", "nothing to add") and lukewarm one-liners ("ok", "fine",
//! "alright", "average") score 0.
//!
//! On NHS comments it never saw (the model's test split) the rules alone are right 58% of the
//! time: they were written against the 180 sentences of `sentiment_sample.rs`, where
//! they are right every time, which is why the model replaced them.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use vader_sentiment::SentimentIntensityAnalyzer;

use super::features::{self, CommentContext, QuestionAsked};
use super::model::{self, TextModel};

/// How a comment reads overall.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sentiment {
    /// Praise for the service.
    Positive,
    /// Description, non-answer or balanced.
    Neutral,
    /// A concern or complaint.
    Negative,
}

impl Sentiment {
    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Sentiment::Positive => "positive",
            Sentiment::Neutral => "neutral",
            Sentiment::Negative => "negative",
        }
    }

    /// Reads a stored name back; None for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "positive" => Some(Sentiment::Positive),
            "neutral" => Some(Sentiment::Neutral),
            "negative" => Some(Sentiment::Negative),
            _ => None,
        }
    }
}

/// VADER's published cut-off for a compound score to count as non-neutral.
const CUTOFF: f64 = 0.05;

/// Domain rules: (pattern, weight). Patterns see lower-case text with
/// apostrophes removed and hyphens turned to spaces. Order matters: earlier
/// rules claim their words first, so negated and specific phrases come
/// before the general ones they contain.
const RULES: &[(&str, f64)] = &[
    // --- Negated complaints that are really praise (before the complaints).
    (
        r"\b(?:never|not|didnt|did not|dont|do not)(?: once)?(?: ever)?(?: felt| feel| been| was| were)? (?:rushed|hurried|judged|ignored|dismissed)\b",
        0.4,
    ),
    (
        r"\b(?:didnt|did not|never|no need to|without)(?: ever)? (?:have to |having to |had to |need to |needed to )?wait\w*",
        0.4,
    ),
    (
        r"\b(?:never|not once|never once|wasnt|werent|was not|were not)(?: \w+)? late\b",
        0.4,
    ),
    // Phoning ahead when late is CORE criterion 12f: good practice, not lateness.
    (
        r"\b(?:rang|called|phoned|let (?:me|us) know|texted|warned)(?: \w+){0,4} (?:if|when) (?:they were |they would be |theyd be )?(?:running )?late\b",
        0.5,
    ),
    (
        r"\bnever (?:felt|been) (?:so|this|more) (?:listened to|heard|supported|cared for|safe|understood|looked after)\b",
        0.7,
    ),
    (
        r"\bwithout (?:them|the team|you|their help|your help|this team|this service),? (?:i|we|he|she) (?:would|wouldnt|would not|might|could|may|dont think|do not think)\b",
        0.7,
    ),
    (
        r"\bnothing but (?:praise|good things|positive things|kindness|respect|help|support|thanks)\b|\b(?:cant|cannot|could not|couldnt) (?:thank|praise|recommend) (?:\w+ ){0,3}enough\b|\b(?:cant|cannot|could not|couldnt) speak (?:\w+ )?highly enough\b",
        0.9,
    ),
    (
        r"\b(?:wouldnt|would not|might not|may not|dont think id|dont think i would|do not think i would|not sure id|not sure i would)(?: still)? be here\b|\bstill here because of\b",
        0.9,
    ),
    (
        r"\b(?:five|5|ten|10) (?:stars?|out of (?:five|5|ten|10))\b",
        0.7,
    ),
    (r"\b(?:one|1|zero|0|no) stars?\b", -0.7),
    (
        r"\b(?:rather than|instead of|not just)(?: just)? (?:ticking boxes|ticking the boxes|box ticking|a number|paperwork|rushing)\b",
        0.3,
    ),
    // --- Not listened to, not believed.
    (
        r"\b(?:not|never|wasnt|werent|was not|were not|didnt feel|did not feel|dont feel|do not feel|never felt|didnt get|did not get)(?: really| properly| fully| ever)? (?:listened to|heard|believed|taken seriously|understood)\b",
        -0.6,
    ),
    (
        r"\b(?:didnt|did not|dont|do not|doesnt|does not|wouldnt|would not|never|wont|refused to)(?: really| even| properly| ever)? listen\w*",
        -0.6,
    ),
    // --- Nobody called, came or followed up; promises broken.
    (
        r"\bpromised (?:\w+ ){0,5}(?:which |that )?never (?:came|happened|materiali[sz]ed|arrived|turned up|showed up)\b",
        -0.9,
    ),
    (
        r"\b(?:never|nobody|no one|noone|didnt|did not)(?: ever| even| actually)? (?:call\w*|ring|rang|rung|phon\w*|came|come|turn\w* up|show\w* up|visit\w*|contact\w*|got back|get back|got in touch|get in touch|arrived|happened|materiali[sz]ed|talked|spoke|spoken|answered|explained|checked|told me|told us|sorted\w*|understood)\b",
        -0.6,
    ),
    (
        r"\b(?:no|lack of|poor|little|not enough|not much|not any|never (?:got|had|received)(?: a| any)?|without (?:a|any))(?: real| proper| practical| actual)? (?:help|support|follow up|care plan|continuity|information|info|communication|contact|explanation|warning|notice|call ?back|reply|response|phone call|apology)\b",
        -0.5,
    ),
    (
        r"\b(?:couldnt|could not|cant|cannot|never) get through\b|\bno(?:body| one)? answer(?:ed)?\b|\bwent to (?:voicemail|answerphone)\b|\brang out\b",
        -0.5,
    ),
    (
        r"\bwithout (?:anyone |anybody |someone |them )?(?:ringing|calling|phoning|letting (?:me|us) know|warning|notice|telling|explaining|asking|checking|consulting|discussing)\b",
        -0.5,
    ),
    (
        r"\b(?:had to|have to|having to|kept having to) chase\b|\bchasing (?:them|up|it)\b",
        -0.5,
    ),
    // --- Not told, not asked, not involved.
    (
        r"\b(?:wasnt|werent|was not|were not|never|not|nobody|no one)(?: been| ever| properly| really)? (?:told|informed|updated|kept informed|kept updated|given (?:any |much )?(?:information|info|details|a plan|numbers|a copy))\b",
        -0.6,
    ),
    (
        r"\b(?:never|not|wasnt|werent|nobody|no one)(?: \w+)? (?:asked|involved|included|consulted)\b",
        -0.5,
    ),
    (
        r"\b(?:nobody|no one) (?:seemed to |seems to |ever )?(?:know|knew)\b",
        -0.5,
    ),
    (
        r"\b(?:not|never|wasnt|werent)(?: \w+)? given (?:any |a )?(?:say|choice|option|chance|voice)\b|\bno (?:say|choice|voice) in\b",
        -0.6,
    ),
    (
        r"\bnever (?:kept|stuck) to\b|\b(?:didnt|did not|never) keep (?:to )?(?:their|the|its) (?:word|promises?|times|appointments?)\b|\bbroken promises?\b",
        -0.6,
    ),
    (
        r"\b(?:never|didnt|did not|dont|do not)(?: \w+)? know (?:who|when|what|whether|if)\b|\bnever knew (?:who|when|what|whether|if)\b|\bno idea (?:who|when|what|whether|if)\b",
        -0.5,
    ),
    (
        r"\bnothing (?:happened|was done|changed|came of it|got done)\b|\bheard nothing\b|\bnever heard (?:back|anything)\b",
        -0.6,
    ),
    // --- Waiting and response times.
    (
        r"\b(?:waited|waiting|wait for|long wait|waits|kept waiting|still waiting|had to wait|left waiting)\b",
        -0.5,
    ),
    (
        r"\btook (?:\w+ ){0,2}(?:days|weeks|hours|ages|forever|too long)\b|\b(?:hours|days|weeks) (?:later|before|to get)\b",
        -0.5,
    ),
    // --- Rushed, short visits.
    (r"\b(?:left|kept|put) on hold\b|\bon hold for\b", -0.5),
    (r"\b(?:rushed|hurried)\b", -0.5),
    (
        r"\bonly (?:stayed|there|came|spent|had)(?: for)? (?:\w+ )?minutes\b",
        -0.5,
    ),
    (
        r"\bmore interested in (?:their |the )?(?:paperwork|forms|computer|laptop|phone|notes|ticking boxes)\b",
        -0.5,
    ),
    // --- Dismissed, judged, treated as a number.
    (
        r"\b(?:ignored|dismissed|dismissive|fobbed off|brushed off|patroni[sz]\w*|condescend\w*|belittl\w*|judgmental|judgemental|unprofessional|disorgani[sz]ed|chaotic|shambles|abrupt|talked down to|spoken down to|spoke down to)\b",
        -0.6,
    ),
    (
        r"\bfelt (?:\w+ )?(?:judged|blamed|a burden|unsafe|abandoned|let down|alone|worse)\b",
        -0.6,
    ),
    (
        r"\b(?:felt|feel|feels|treated|was|made (?:me|us) feel) like (?:i was |we were |i am |im )?(?:a |just a |just another )?(?:number|statistic|box|burden|nuisance|inconvenience|case|problem)\b",
        -0.7,
    ),
    (
        r"\bnot what (?:i|you|we) (?:need|needed|want|wanted)\b",
        -0.6,
    ),
    (
        r"\bnot (?:very |at all |really |that |particularly )?(?:helpful|useful|supportive|caring|kind|interested|professional|friendly)\b",
        -0.6,
    ),
    // --- Late and cancelled visits ("late at night" is a time, not lateness).
    (
        r"\blate (?:at night|in the (?:evening|day|night)|evening|night)\b",
        0.0,
    ),
    (
        r"\blast minute\b|\bkept (?:being )?(?:moved|changed|rearranged|cancell?ed|rescheduled)\b|\bcancell?(?:ed|ing|ations?)\b|\bno shows?\b|\b(?:didnt|did not|never) (?:turn|show) up\b|\bmissed (?:appointments?|visits?)\b",
        -0.5,
    ),
    (
        r"\blate (?:for|visits?|again|every time|most days|every day)\b|\b(?:turned up|arrived|came|were|was|always|often|very|hours?|running|an hour|two hours|constantly) late\b",
        -0.5,
    ),
    // --- Continuity of staff.
    (
        r"\b(?:kept|keep) asking (?:\w+ ){0,2}same\b|\bsame questions? (?:again|every|over)\b|\b(?:explain|explaining|tell|telling|go|going) (?:through )?(?:everything|it all|my story|my history|the same)(?: \w+)? (?:again|over again)\b|\bto every new (?:person|worker|nurse|face)\b",
        -0.6,
    ),
    (
        r"\bno continuity\b|\black of continuity\b|\bdifferent (?:person|people|worker|workers|nurse|nurses|staff|face|faces|member of staff)(?: \w+)? (?:every|each)\b|\b(?:never|rarely|hardly ever|not once) (?:saw|see|seen|had) the same\b|\brepeat(?:ing)? (?:myself|my story|our story|everything)\b|\btoo many (?:different )?(?:people|faces|staff|workers|nurses)\b",
        -0.6,
    ),
    // --- Left alone, discharged too soon.
    (
        r"\bleft (?:me |us |him |her )?(?:to cope|on my own|on our own|alone|to it|to fend|high and dry|hanging|in limbo)\b",
        -0.6,
    ),
    (
        r"\bdischarged (?:far |way |much )?too (?:early|soon|quickly)\b|\bdischarged without\b",
        -0.6,
    ),
    // Labels that blame the person, reported back by them.
    (
        r"\battention seeking\b|\btime waster\b|\bwasting (?:their|your|the) time\b|\bmanipulative\b|\bjust behavioural\b|\bmaking it up\b|\b(?:read|reading) (?:off |from )?(?:a |the )?script\b|\bscripted\b",
        -0.7,
    ),
    // --- Sarcasm and idioms.
    (
        r"\bthanks for nothing\b|\bif you (?:like|enjoy|love)\b|\byeah right\b",
        -0.9,
    ),
    (
        r"\bwaste of (?:time|space)\b|\b(?:tick|ticking) (?:the )?box(?:es)?\b|\bbox ticking\b",
        -0.6,
    ),
    // --- Praise specific to the service.
    (
        r"\b(?:really |actually |properly |genuinely )?listened(?: to)?(?: me| us| my| her| him| what| our)?\b",
        0.6,
    ),
    (
        r"\bfelt (?:really |truly |finally |so |very )?(?:heard|listened to|understood|believed|safe|safer|supported|cared for|respected|valued|looked after|reassured)\b",
        0.6,
    ),
    (r"\bsaved (?:my|his|her|our|their) (?:life|lives)\b", 0.9),
    (
        r"\b(?:couldnt|could not|cant|cannot) (?:have )?(?:asked for|wish for|wished for) (?:more|better|anything more)\b",
        0.8,
    ),
    (
        r"\b(?:couldnt|could not|cant|cannot) fault\b|\bno complaints\b|\bnothing (?:was )?too much (?:trouble|bother)\b|\b(?:went|go|going) (?:above and beyond|the extra mile)\b|\babove and beyond\b",
        0.7,
    ),
    (
        r"\bmade (?:a|all the|such a|the world of)(?: huge| big| real| massive)? difference\b|\bgot me through\b|\bback on my feet\b",
        0.7,
    ),
    (
        r"\bkept (?:me |us )?(?:informed|updated|in the loop|up to date)\b|\bexplained (?:everything|things|it all|clearly|properly)\b",
        0.5,
    ),
    (
        r"\b(?:always|every time) (?:called|rang|phoned|got) back\b|\b(?:called|rang|phoned|came|arrived|responded|visited|got back)(?: me| us)?(?: back)? (?:quickly|promptly|straight away|right away|within (?:\w+ ){0,2}(?:minutes|hour|hours)|the same day|same day|on time)\b|\b(?:quick|fast|prompt|speedy|rapid) (?:response|reply|visit|call back)\b",
        0.5,
    ),
    (
        r"\balways on time\b|\bon time every time\b|\b(?:always |very )?punctual\b",
        0.5,
    ),
    (
        r"\b(?:saw|seeing|see|had|having|kept|keep) (?:the )?same (?:\w+ )?(?:person|people|worker|workers|nurse|nurses|face|faces|staff|team members?)\b|\bgood continuity\b",
        0.5,
    ),
    (
        r"\btook (?:the )?time to (?:listen|understand|explain|get to know|talk)\b",
        0.6,
    ),
    (r"\bmeant a lot\b|\bmeans a lot\b|\bmeant the world\b", 0.5),
    (
        r"\b(?:a|an absolute|absolute|a real|real|such a) (?:star|stars|lifeline|godsend|gem|angel|angels|diamond)\b|\bcredit to\b|\bdown to earth\b",
        0.7,
    ),
    (
        r"\btreated (?:me|us|him|her|them|my \w+) (?:like|as) (?:a |an )?(?:person|human|human being|adult|equal|family)\b",
        0.6,
    ),
    (
        r"\b(?:did|do|does) what (?:they|she|he) (?:said|say|promised)\b|\bwhen they said they would\b|\bas (?:promised|agreed)\b",
        0.6,
    ),
    (r"\btook (?:\w+ ){0,3}seriously\b|\btaken seriously\b", 0.6),
    (
        r"\b(?:so |very |really )?patient (?:with|and)\b|\bpatience\b|\b(?:someone|somebody|they|she|he) (?:finally |actually |really )?understood\b",
        0.5,
    ),
    (
        r"\bsorted (?:out )?(?:\w+ )?(?:my|the|a|everything|it|things)\b",
        0.4,
    ),
    (
        r"\b(?:involved|included) (?:me|us|my \w+|the family|family)\b",
        0.4,
    ),
    // --- Words that carry no verdict on the service (weight 0: masked from
    // VADER). The person's illness or crisis describes them, not the team.
    (
        r"\b(?:crisis|crises)\b|\bsuicid\w*|\bself harm\w*|\bdepress(?:ed|ion)\b|\banxi(?:ety|ous)\b|\bpanic(?: attacks?)?\b|\bpsychos[ie]s\b|\bpsychotic\b|\boverdos\w*|\bunwell\b|\bill(?:ness)?\b|\bdistress(?:ed)?\b|\bsectioned\b|\bbreakdown\b|\bvoices\b|\blow mood\b|\bmy lowest\b|\bat my worst\b|\b(?:wanted|want) to die\b|\bend(?:ing)? my (?:own )?life\b|\bkill(?:ing)? myself\b|\bin a bad (?:way|place)\b|\bworst (?:day|days|week|weeks|time|point)\b(?: of my life)?",
        0.0,
    ),
    // Service vocabulary that VADER scores for its parts ("support" +1.7,
    // "care" +2.2, "please" +1.3, even "number" +0.3).
    (
        r"\b(?:peer )?support workers?\b|\bcare (?:co ?ordinators?|plans?|homes?|package|team|workers?)\b|\bhealth ?care (?:assistants?|support workers?)\b|\bhome treatment\b|\bsocial care\b|\bsupport plan\b|\bhelpline\b|\bplease\b|\bnumbers?\b",
        0.0,
    ),
    // The person's own feelings in crisis ("when I was angry and shouting",
    // "my worries") describe them, not the service.
    (
        r"\b(?:i|we|he|she) (?:was|were|am|is|felt|feel|got|get|became)(?: so| very| really| quite)? (?:angry|upset|scared|frightened|worried|anxious|low|struggling|shouting|crying|desperate|hopeless|lonely|confused|paranoid|manic|agitated|tearful|panicking|terrified)(?: and (?:angry|upset|scared|frightened|worried|anxious|low|struggling|shouting|crying|desperate|hopeless|lonely|confused|paranoid|manic|agitated|tearful|panicking|terrified))*\b|\b(?:my|his|her|our) (?:worries|fears|anger)\b",
        0.0,
    ),
    // Needing no help, and not knowing what to say, are not verdicts.
    (
        r"\b(?:didnt|did not|dont|do not|never) (?:really )?need(?:ed)? (?:much |any |more )?(?:help|support)\b|\bhard to (?:say|tell|remember|explain)\b",
        0.0,
    ),
    // Hypotheticals and plans: "it would be good if", "if things get bad".
    (
        r"\bwould (?:be |have been )?(?:good|nice|helpful|better|great|useful)\b|\bit would help\b|\bif (?:things |it |i )?(?:got|get|gets|go|goes|went) (?:bad|worse)\b",
        0.0,
    ),
    // Hedging and the FFT's own middle answer.
    (
        r"\bnot (?:really )?sure\b|\bunsure\b|\bneither good nor poor\b",
        0.0,
    ),
    // Balanced comments: "some staff were better than others".
    (
        r"\bsome (?:\w+ ){0,2}(?:good|better|great|nice|helpful|ok)\b(?:,? (?:and |but )?some (?:\w+ ){0,2}(?:not|bad|worse|poor|less so|not so good)\b| than others\b)",
        0.0,
    ),
    // "Like" as a comparison ("felt like", "seemed like") is not liking.
    (
        r"\b(?:felt|feel|feels|feeling|seemed|seems|seem|looked|looks|look|sounded|sounds|sound|acted|act|treated \w+|something|just) like\b",
        0.0,
    ),
];

/// Compiled [`RULES`]: built once, read-only afterwards.
static COMPILED: LazyLock<Vec<(Regex, f64)>> = LazyLock::new(|| {
    RULES
        .iter()
        .map(|&(pattern, weight)| {
            let re = Regex::new(pattern)
                .expect("sentiment rule patterns are constants checked by tests");
            (re, weight)
        })
        .collect()
});

/// Where a contrast starts: rules after it weigh more, as in VADER.
static CONTRAST: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(?:but|however)\b").expect("contrast pattern is a constant"));

/// Answers that say nothing whatever the question: matched against letters, digits and spaces
/// only.
static NON_ANSWER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:na|n a|no comments?|nothing (?:else )?to (?:add|say)|not applicable|no further comments?|nothing further|dont know|do not know|not sure|unsure|idk|did not answer|didnt answer|no answer|not answered)?$",
    )
    .expect("non-answer pattern is a constant")
});

/// "Nothing", "none", "no": a non-answer only when the question is not known (see the module
/// docs).
static NOTHING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:none|nothing|nil|no|nope|nothing at all|nothing really)$")
        .expect("nothing pattern is a constant")
});

/// Lukewarm one-liners: VADER scores "ok" and "fine" positive, but in
/// service feedback they mean "nothing to praise or blame".
static LUKEWARM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:it was |it is |its |all |everything was |service was |the service was |was |yeah |yes )?(?:ok|okay|ok ish|okish|fine|alright|all right|average|so so|satisfactory|adequate|mixed|meh)$",
    )
    .expect("lukewarm pattern is a constant")
});

/// Classifies a comment when nothing is known about it but its text (no FFT answer, question
/// unknown).
pub fn classify(text: &str) -> Sentiment {
    classify_in_context(text, &CommentContext::default())
}

/// Classifies a comment knowing its response's FFT answer and the question it answers: the
/// non-answer rule first, then the shipped model (the lexicon rules if the model could not be
/// loaded, which the unit tests rule out).
pub fn classify_in_context(text: &str, context: &CommentContext) -> Sentiment {
    match model::SHIPPED.as_ref() {
        Some(model) => classify_with(model, text, context),
        None if says_nothing(text, context.question) => Sentiment::Neutral,
        None => lexicon_and_rules(text),
    }
}

/// [`classify_in_context`] with a given model: how training measures a model before it ships.
pub(crate) fn classify_with(model: &TextModel, text: &str, context: &CommentContext) -> Sentiment {
    if says_nothing(text, context.question) {
        return Sentiment::Neutral;
    }
    model.sentiment(&features::tokens(text), context, lexicon_score(text))
}

/// Whether a comment says nothing that could be praise or complaint (step 1 above).
pub fn says_nothing(text: &str, question: QuestionAsked) -> bool {
    let whole = bare(&normalise(text));
    NON_ANSWER.is_match(&whole) || (question == QuestionAsked::Other && NOTHING.is_match(&whole))
}

/// Today's hand-built classifier: VADER plus the domain rules, with the non-answer and
/// lukewarm checks. Kept for comparison and as the model's fallback.
pub fn lexicon_and_rules(text: &str) -> Sentiment {
    label(lexicon_score(text))
}

/// VADER alone with its standard cut-offs, without the domain rules: kept so
/// reports and tests can show what the domain rules add.
pub fn lexicon_only(text: &str) -> Sentiment {
    label(vader_compound(text))
}

/// Maps a score on VADER's scale to a label with VADER's cut-offs.
fn label(score: f64) -> Sentiment {
    if score >= CUTOFF {
        Sentiment::Positive
    } else if score <= -CUTOFF {
        Sentiment::Negative
    } else {
        Sentiment::Neutral
    }
}

/// VADER's compound score for `text`.
fn vader_compound(text: &str) -> f64 {
    let analyzer = SentimentIntensityAnalyzer::new();
    analyzer
        .polarity_scores(text)
        .get("compound")
        .copied()
        .unwrap_or(0.0)
}

/// Lower-cases, drops apostrophes and spaces out hyphens, so rules need not
/// spell "didn't" / "didnt" / "didn’t" or "follow-up" / "follow up" twice.
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars().flat_map(char::to_lowercase) {
        match ch {
            '\'' | '\u{2018}' | '\u{2019}' | '`' | '\u{b4}' => {}
            '-' | '\u{2010}' | '\u{2011}' | '\u{2013}' | '\u{2014}' => out.push(' '),
            c => out.push(c),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Only letters, digits and single spaces: for whole-answer checks.
fn bare(normalised: &str) -> String {
    let kept: String = normalised
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Start of the first real contrast: "but" in "nothing but praise" or
/// "all but" is not one.
fn contrast_start(text: &str) -> Option<usize> {
    CONTRAST
        .find_iter(text)
        .find(|m| {
            let before = text.get(..m.start()).unwrap_or_default().trim_end();
            !(before.ends_with("nothing")
                || before.ends_with("anything")
                || before.ends_with("all"))
        })
        .map(|m| m.start())
}

/// The lexicon score: rule weights plus VADER on the words no rule claimed (0 for non-answers
/// and lukewarm one-liners). One of the model's features.
pub(crate) fn lexicon_score(text: &str) -> f64 {
    let mut masked = normalise(text);
    let whole = bare(&masked);
    if NON_ANSWER.is_match(&whole) || NOTHING.is_match(&whole) || LUKEWARM.is_match(&whole) {
        return 0.0;
    }
    let contrast_at = contrast_start(&masked);
    let mut domain = 0.0;
    for (re, weight) in COMPILED.iter() {
        let spans: Vec<(usize, usize)> = re
            .find_iter(&masked)
            .map(|m| (m.start(), m.end()))
            .collect();
        for (start, end) in spans {
            let emphasis = match contrast_at {
                Some(at) if start < at => 0.5,
                Some(_) => 1.5,
                None => 1.0,
            };
            domain += weight * emphasis;
            masked.replace_range(start..end, &" ".repeat(end - start));
        }
    }
    vader_compound(&masked) + domain
}

#[cfg(test)]
mod tests {
    use super::super::sentiment_sample::{HOLDOUT, SAMPLE};
    use super::*;

    fn accuracy(sample: &[(&str, Sentiment)], f: fn(&str) -> Sentiment) -> f64 {
        let right = sample
            .iter()
            .filter(|(text, want)| f(text) == *want)
            .count();
        right as f64 / sample.len() as f64
    }

    fn report_misses(name: &str, sample: &[(&str, Sentiment)]) {
        for (text, want) in sample {
            let got = lexicon_and_rules(text);
            if got != *want {
                println!(
                    "{name} miss: want {:<8} got {:<8} score {:+.3}  {text}",
                    want.as_str(),
                    got.as_str(),
                    lexicon_score(text)
                );
            }
        }
    }

    fn counts(sample: &[(&str, Sentiment)]) -> [usize; 3] {
        let n = |s| sample.iter().filter(|(_, want)| *want == s).count();
        [
            n(Sentiment::Positive),
            n(Sentiment::Neutral),
            n(Sentiment::Negative),
        ]
    }

    #[test]
    fn every_rule_pattern_compiles() {
        assert_eq!(COMPILED.len(), RULES.len());
    }

    #[test]
    fn the_sample_is_large_and_roughly_balanced() {
        assert!(SAMPLE.len() >= 80, "sample has {}", SAMPLE.len());
        for n in counts(SAMPLE) {
            assert!(n * 4 >= SAMPLE.len(), "class sizes {:?}", counts(SAMPLE));
        }
    }

    #[test]
    fn domain_rules_reach_85_percent_on_the_sample_and_beat_vader_alone() {
        let with_rules = accuracy(SAMPLE, lexicon_and_rules);
        let vader = accuracy(SAMPLE, lexicon_only);
        report_misses("sample", SAMPLE);
        println!(
            "sentiment sample: n = {} (positive/neutral/negative {:?}); \
             VADER + domain rules {:.3}; VADER alone {:.3}",
            SAMPLE.len(),
            counts(SAMPLE),
            with_rules,
            vader
        );
        assert!(with_rules >= 0.85, "accuracy {with_rules:.3}");
        assert!(
            with_rules > vader,
            "rules {with_rules:.3} vs VADER {vader:.3}"
        );
    }

    #[test]
    fn held_out_sample_accuracy_is_reported_and_beats_vader_alone() {
        let with_rules = accuracy(HOLDOUT, lexicon_and_rules);
        let vader = accuracy(HOLDOUT, lexicon_only);
        report_misses("holdout", HOLDOUT);
        println!(
            "sentiment holdout: n = {} ({:?}); VADER + domain rules {:.3}; VADER alone {:.3}",
            HOLDOUT.len(),
            counts(HOLDOUT),
            with_rules,
            vader
        );
        assert!(
            with_rules > vader,
            "rules {with_rules:.3} vs VADER {vader:.3}"
        );
    }

    #[test]
    fn nobody_calling_back_is_negative_though_vader_calls_it_neutral() {
        let text = "Nobody called me back for three days";
        assert_eq!(lexicon_only(text), Sentiment::Neutral);
        assert_eq!(lexicon_and_rules(text), Sentiment::Negative);
    }

    #[test]
    fn feeling_rushed_and_unheard_is_negative_though_vader_calls_it_neutral() {
        let text = "I felt rushed and not listened to";
        assert_eq!(lexicon_only(text), Sentiment::Neutral);
        assert_eq!(lexicon_and_rules(text), Sentiment::Negative);
    }

    #[test]
    fn being_listened_to_is_positive_but_not_being_listened_to_is_negative() {
        assert_eq!(
            lexicon_and_rules("They listened to me."),
            Sentiment::Positive
        );
        assert_eq!(
            lexicon_and_rules("They never listened to me."),
            Sentiment::Negative
        );
        assert_eq!(
            lexicon_and_rules("I didn’t feel listened to."),
            Sentiment::Negative
        );
    }

    #[test]
    fn describing_a_crisis_is_not_a_complaint() {
        let text = "I was in crisis and the team came out";
        assert_eq!(lexicon_only(text), Sentiment::Negative);
        assert_eq!(lexicon_and_rules(text), Sentiment::Neutral);
    }

    #[test]
    fn a_complaint_after_but_outweighs_praise_before_it() {
        assert_eq!(
            lexicon_and_rules("The staff were lovely but I waited five hours for a call back."),
            Sentiment::Negative
        );
    }

    #[test]
    fn phoning_ahead_when_running_late_is_praise_not_lateness() {
        assert_eq!(
            lexicon_and_rules("Always rang if they were running late."),
            Sentiment::Positive
        );
        assert_eq!(
            lexicon_and_rules("They were always late."),
            Sentiment::Negative
        );
    }

    #[test]
    fn late_at_night_is_a_time_not_a_complaint() {
        assert_eq!(
            lexicon_and_rules("I rang late at night and they answered."),
            Sentiment::Neutral
        );
    }

    #[test]
    fn negated_complaints_read_as_praise() {
        for text in [
            "I never felt rushed.",
            "Didn't have to wait at all.",
            "They were never late.",
        ] {
            assert_eq!(lexicon_and_rules(text), Sentiment::Positive, "{text}");
        }
    }

    #[test]
    fn nothing_but_praise_is_praise_and_thanks_for_nothing_is_not() {
        assert_eq!(
            lexicon_and_rules("Nothing but praise for them."),
            Sentiment::Positive
        );
        assert_eq!(
            lexicon_and_rules("Thanks for nothing."),
            Sentiment::Negative
        );
    }

    #[test]
    fn not_being_told_or_involved_is_negative() {
        for text in [
            "I wasn't told when they were coming.",
            "My wife was never asked for her view.",
            "No follow-up after discharge.",
        ] {
            assert_eq!(lexicon_and_rules(text), Sentiment::Negative, "{text}");
        }
    }

    #[test]
    fn service_vocabulary_alone_is_neutral() {
        // VADER alone scores "support" and "care" as praise.
        let text = "I have a care coordinator and a support worker.";
        assert_eq!(lexicon_only(text), Sentiment::Positive);
        assert_eq!(lexicon_and_rules(text), Sentiment::Neutral);
    }

    #[test]
    fn lukewarm_one_word_answers_are_neutral() {
        for text in [
            "ok",
            "OK.",
            "Fine",
            "fine!",
            "It was alright",
            "so-so",
            "Average",
        ] {
            assert_eq!(lexicon_and_rules(text), Sentiment::Neutral, "{text}");
        }
    }

    #[test]
    fn non_answers_are_neutral() {
        for text in [
            "",
            "   ",
            "n/a",
            "N/A",
            "-",
            "...",
            "None",
            "nothing to add",
            "No comment",
        ] {
            assert_eq!(classify(text), Sentiment::Neutral, "{text:?}");
        }
    }

    #[test]
    fn non_answers_are_neutral_whatever_the_question_and_rating() {
        for question in [
            QuestionAsked::Reason,
            QuestionAsked::Improve,
            QuestionAsked::Liked,
            QuestionAsked::Other,
        ] {
            for fft in [None, Some(1), Some(5)] {
                let context = CommentContext { fft, question };
                for text in ["", "n/a", "Did not answer", "Don't know", "No comment."] {
                    assert_eq!(
                        classify_in_context(text, &context),
                        Sentiment::Neutral,
                        "{text:?} {context:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn nothing_says_nothing_until_the_question_is_known() {
        assert_eq!(classify("Nothing."), Sentiment::Neutral);
        // As NHS staff label them: nothing to improve is praise, nothing good a complaint.
        let improve = CommentContext {
            fft: Some(5),
            question: QuestionAsked::Improve,
        };
        assert_eq!(
            classify_in_context("Nothing.", &improve),
            Sentiment::Positive
        );
        let liked = CommentContext {
            fft: Some(1),
            question: QuestionAsked::Liked,
        };
        assert_eq!(classify_in_context("Nothing", &liked), Sentiment::Negative);
    }

    #[test]
    fn the_model_reads_plain_praise_and_complaints_without_context() {
        assert_eq!(
            classify("Nobody called me back for three days"),
            Sentiment::Negative
        );
        assert_eq!(
            classify("The staff were brilliant and really listened to me."),
            Sentiment::Positive
        );
    }

    #[test]
    fn a_complaint_is_negative_even_beside_a_good_rating() {
        let context = CommentContext {
            fft: Some(4),
            question: QuestionAsked::from_question("fft_reason"),
        };
        assert_eq!(
            classify_in_context("Nobody called me back for three days", &context),
            Sentiment::Negative
        );
        assert_eq!(
            classify_in_context("The team were kind and listened to me.", &context),
            Sentiment::Positive
        );
    }

    #[test]
    fn odd_input_never_panics() {
        for text in [
            "😀😀😀",
            "!!!???",
            "ÇA VA?? très bien",
            "a",
            "İstanbul ıi",
            "but",
            "not",
            "but but but not not never",
            &"very ".repeat(500),
            "\u{0}\t\n",
        ] {
            let _ = classify(text);
        }
    }

    #[test]
    fn names_round_trip_through_as_str_parse_and_serde() {
        for s in [Sentiment::Positive, Sentiment::Neutral, Sentiment::Negative] {
            assert_eq!(Sentiment::parse(s.as_str()), Some(s));
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
            assert_eq!(serde_json::from_str::<Sentiment>(&json).unwrap(), s);
        }
        assert_eq!(Sentiment::parse("Positive"), None);
        assert_eq!(Sentiment::parse(""), None);
    }

    #[test]
    fn classification_is_deterministic() {
        let text = "Lovely staff but the lack of communication was awful.";
        let first = classify(text);
        for _ in 0..5 {
            assert_eq!(classify(text), first);
        }
    }
}
