//! Questionnaires as data: definitions from `surveys/*.toml`, versioned by content hash.
//!
//! The shipped definitions are embedded in the binary; a folder named by `SURVEYS_DIR` adds to
//! them or overrides one with the same slug. Each distinct definition is stored once as a
//! version, so editing a file never changes what earlier answers meant.

pub mod answers;
pub mod definition;
pub mod equality;

use crate::db::DbConnection;
use crate::db::schema::survey_versions;
use diesel::prelude::*;
use rust_embed::RustEmbed;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, RwLock};

pub use definition::{
    ChoiceOption, Criterion, DefinitionError, Question, QuestionKind, Respondent, Survey,
};
pub use equality::Dimension;

#[derive(RustEmbed)]
#[folder = "surveys/"]
#[include = "*.toml"]
struct ShippedSurveys;

/// One stored version of a questionnaire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyVersion {
    /// Hex SHA-256 of the definition's canonical JSON.
    pub id: String,
    pub survey: Survey,
}

impl SurveyVersion {
    fn new(survey: Survey) -> Self {
        let canonical = serde_json::to_string(&survey).unwrap_or_default();
        let id = hex::encode(Sha256::digest(canonical.as_bytes()));
        Self { id, survey }
    }
}

/// Reads and checks every definition: the embedded ones, then the folder's. Reports every
/// broken file, not just the first.
pub fn load_definitions(dir: Option<&Path>) -> Result<Vec<(String, Survey)>, Vec<DefinitionError>> {
    let mut sources: Vec<(String, String)> = Vec::new();
    for name in ShippedSurveys::iter() {
        if let Some(file) = ShippedSurveys::get(&name) {
            sources.push((
                format!("surveys/{name}"),
                String::from_utf8_lossy(&file.data).into_owned(),
            ));
        }
    }
    let mut errors = Vec::new();
    if let Some(dir) = dir {
        match std::fs::read_dir(dir) {
            Ok(entries) => {
                let mut paths: Vec<_> = entries
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                    .collect();
                paths.sort();
                for path in paths {
                    match std::fs::read_to_string(&path) {
                        Ok(text) => sources.push((path.display().to_string(), text)),
                        Err(e) => errors.push(DefinitionError {
                            file: path.display().to_string(),
                            question: None,
                            problem: format!("cannot be read: {e}"),
                        }),
                    }
                }
            }
            Err(e) => errors.push(DefinitionError {
                file: dir.display().to_string(),
                question: None,
                problem: format!("folder cannot be read: {e}"),
            }),
        }
    }
    let mut surveys = Vec::new();
    for (file, text) in sources {
        match Survey::from_toml(&file, &text) {
            Ok(survey) => {
                let stem = Path::new(&file)
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or_default();
                if stem != survey.slug {
                    errors.push(DefinitionError {
                        file,
                        question: None,
                        problem: format!("slug `{}` must match the file name", survey.slug),
                    });
                } else {
                    surveys.push((file, survey));
                }
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(surveys)
    } else {
        Err(errors)
    }
}

#[derive(Insertable, Queryable, Selectable)]
#[diesel(table_name = survey_versions)]
struct VersionRow {
    id: String,
    slug: String,
    title: String,
    respondent: String,
    definition: String,
    created_at: chrono::NaiveDateTime,
}

/// The questionnaires in use now, and every version answers were ever given to.
#[derive(Debug, Default)]
pub struct Catalogue {
    current: BTreeMap<String, Arc<SurveyVersion>>,
    versions: RwLock<HashMap<String, Arc<SurveyVersion>>>,
}

impl Catalogue {
    /// Builds the catalogue from checked definitions; later files override earlier slugs.
    pub fn new(definitions: Vec<(String, Survey)>) -> Self {
        let mut current = BTreeMap::new();
        for (_, survey) in definitions {
            let version = Arc::new(SurveyVersion::new(survey));
            current.insert(version.survey.slug.clone(), version);
        }
        let versions = current
            .values()
            .map(|v| (v.id.clone(), v.clone()))
            .collect();
        Self {
            current,
            versions: RwLock::new(versions),
        }
    }

    /// Stores any version the database does not have yet. Safe when several servers start at once.
    pub fn sync(&self, conn: &mut DbConnection) -> QueryResult<()> {
        for version in self.current.values() {
            let exists = survey_versions::table
                .find(&version.id)
                .select(survey_versions::id)
                .get_result::<String>(conn)
                .optional()?
                .is_some();
            if exists {
                continue;
            }
            let row = VersionRow {
                id: version.id.clone(),
                slug: version.survey.slug.clone(),
                title: version.survey.title.clone(),
                respondent: version.survey.respondent.as_str().to_string(),
                definition: serde_json::to_string(&version.survey).unwrap_or_default(),
                created_at: crate::db::now(),
            };
            match diesel::insert_into(survey_versions::table)
                .values(&row)
                .execute(conn)
            {
                Ok(_) => {}
                // Another server stored the same content first: same id, same meaning.
                Err(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                )) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// The current version of a questionnaire.
    pub fn current(&self, slug: &str) -> Option<Arc<SurveyVersion>> {
        self.current.get(slug).cloned()
    }

    /// All current questionnaires, by slug.
    pub fn all_current(&self) -> impl Iterator<Item = &Arc<SurveyVersion>> {
        self.current.values()
    }

    /// A version by id, read from the database the first time an older one is needed.
    pub fn version(
        &self,
        conn: &mut DbConnection,
        id: &str,
    ) -> QueryResult<Option<Arc<SurveyVersion>>> {
        if let Some(v) = self.versions.read().ok().and_then(|m| m.get(id).cloned()) {
            return Ok(Some(v));
        }
        let row = survey_versions::table
            .find(id)
            .select(VersionRow::as_select())
            .get_result(conn)
            .optional()?;
        let Some(row) = row else { return Ok(None) };
        let survey: Survey = serde_json::from_str(&row.definition)
            .map_err(|e| diesel::result::Error::DeserializationError(Box::new(e)))?;
        let version = Arc::new(SurveyVersion { id: row.id, survey });
        if let Ok(mut map) = self.versions.write() {
            map.insert(version.id.clone(), version.clone());
        }
        Ok(Some(version))
    }

    /// A version already known in memory (no database read).
    pub fn cached_version(&self, id: &str) -> Option<Arc<SurveyVersion>> {
        self.versions.read().ok().and_then(|m| m.get(id).cloned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_questionnaires_load_and_cover_every_source() {
        let defs = load_definitions(None).unwrap();
        let groups: Vec<Respondent> = defs.iter().map(|(_, s)| s.respondent).collect();
        for group in Respondent::ALL {
            assert!(groups.contains(&group), "no questionnaire for {group:?}");
        }
    }

    #[test]
    fn service_user_and_carer_questionnaires_open_with_the_fft_question_word_for_word() {
        let defs = load_definitions(None).unwrap();
        for (_, s) in defs
            .iter()
            .filter(|(_, s)| matches!(s.respondent, Respondent::ServiceUser | Respondent::Carer))
        {
            let first = &s.questions[0];
            assert_eq!(first.kind, QuestionKind::Fft, "{}", s.slug);
            assert_eq!(
                first.text,
                "Overall, how was your experience of our service?"
            );
            assert_eq!(
                s.questions[1].kind,
                QuestionKind::Text,
                "{}: the FFT reason comes next",
                s.slug
            );
        }
    }

    /// Which questionnaires of `defs` give `code` a question, by group.
    fn speaking(defs: &[(String, Survey)], code: &str) -> Vec<(String, Respondent)> {
        defs.iter()
            .filter(|(_, s)| {
                s.questions
                    .iter()
                    .any(|q| q.criterion.map(|c| c.code()) == Some(code))
            })
            .map(|(_, s)| (s.slug.clone(), s.respondent))
            .collect()
    }

    #[test]
    fn every_criterion_and_indicator_has_a_question_for_each_source_the_domain_lists() {
        use Respondent::*;
        // DOMAIN.md's table, then the items the questionnaires were extended with: 13c and 13d
        // from carers and from service users' side, 20c and the joint crisis plan from service
        // users, the relationship from service users and staff, carers' own support.
        let required: &[(&str, &[Respondent])] = &[
            ("13e", &[ServiceUser, Carer, Staff]),
            ("20b", &[ServiceUser, Carer, Staff]),
            ("21d", &[ServiceUser, Carer, Staff]),
            ("22d", &[ServiceUser, Carer, Staff, Partner]),
            ("26e", &[ServiceUser, Carer, Staff]),
            ("34e", &[Staff, Partner, ServiceUser]),
            ("13c", &[ServiceUser, Carer]),
            ("13d", &[ServiceUser, Carer]),
            ("20c", &[ServiceUser]),
            ("relationship", &[ServiceUser, Staff]),
            ("carer_support", &[Carer]),
            ("joint_crisis_plan", &[ServiceUser]),
        ];
        let defs = load_definitions(None).unwrap();
        for (code, sources) in required {
            let speaking = speaking(&defs, code);
            for source in *sources {
                assert!(
                    speaking.iter().any(|(_, r)| r == source),
                    "criterion {code} has no question for {source:?}"
                );
            }
        }
        // Every criterion in the enum is asked somewhere, and the easy-read questionnaire asks
        // everything the standard one does.
        for c in Criterion::ALL {
            assert!(
                !speaking(&defs, c.code()).is_empty(),
                "{c} is asked nowhere"
            );
            let standard = speaking(&defs, c.code())
                .iter()
                .any(|(slug, _)| slug == "service-user");
            let easy = speaking(&defs, c.code())
                .iter()
                .any(|(slug, _)| slug == "service-user-easy-read");
            assert_eq!(standard, easy, "{c}: easy read and standard differ");
        }
    }

    #[test]
    fn carers_are_asked_about_meetings_their_part_their_own_needs_information_support_and_assessment()
     {
        let defs = load_definitions(None).unwrap();
        let carer = &defs.iter().find(|(_, s)| s.slug == "carer").unwrap().1;
        for (id, code) in [
            ("carer_invited_meetings", "13c"),
            ("carer_part_in_plan", "13d"),
            ("carer_asked_impact", "carer_support"),
            ("carer_info_illness", "carer_support"),
            ("carer_info_support", "carer_support"),
            ("carer_assessment_told", "carer_support"),
        ] {
            let q = carer.question(id).unwrap_or_else(|| panic!("no {id}"));
            assert_eq!(q.criterion.map(|c| c.code()), Some(code), "{id}");
            assert!(!q.required, "{id}: new questions are optional");
            assert!(q.translations.contains_key("cy"), "{id} in Welsh");
        }
    }

    #[test]
    fn the_about_you_questions_offer_the_same_categories_wherever_they_are_asked() {
        let defs = load_definitions(None).unwrap();
        for dimension in Dimension::ALL {
            let asked: Vec<(&str, Vec<&str>)> = defs
                .iter()
                .filter_map(|(_, s)| {
                    s.about_you(dimension).map(|q| {
                        (
                            s.slug.as_str(),
                            q.options.iter().map(|o| o.id.as_str()).collect(),
                        )
                    })
                })
                .collect();
            let mut slugs: Vec<&str> = asked.iter().map(|(s, _)| *s).collect();
            slugs.sort_unstable();
            assert_eq!(
                slugs,
                ["carer", "service-user", "service-user-easy-read"],
                "{dimension:?}"
            );
            assert!(
                asked.windows(2).all(|w| w[0].1 == w[1].1),
                "{dimension:?}: {asked:?}"
            );
        }
    }

    /// The time a person takes to answer every closed question, reading every word shown
    /// (title, introduction, the page's two notes, each question and hint, every option of a
    /// choice question, and each answer scale the first time it appears) at 200 words a
    /// minute, and taking 3 seconds to choose each answer. Comment boxes are left out: they
    /// are optional and take as long as a person wants.
    fn minutes_to_answer(survey: &Survey) -> f64 {
        use crate::i18n::{Lang, t};
        let words = |text: &str| text.split_whitespace().count();
        let mut read = words(&survey.title)
            + survey.intro.as_deref().map_or(0, words)
            + words(&t(Lang::En, "survey_hint"))
            + words(&t(Lang::En, "survey_worry"));
        let mut scales_seen = std::collections::HashSet::new();
        let mut closed = 0;
        for q in &survey.questions {
            read += words(&q.text) + q.hint.as_deref().map_or(0, words);
            let scale: &[&str] = match q.kind {
                QuestionKind::Fft => &["fft_5", "fft_4", "fft_3", "fft_2", "fft_1", "dont_know"],
                QuestionKind::Agree5 => &[
                    "agree_5",
                    "agree_4",
                    "agree_3",
                    "agree_2",
                    "agree_1",
                    "dont_know",
                ],
                QuestionKind::YesNo => &["yes", "no", "dont_know"],
                QuestionKind::Choice | QuestionKind::Text => &[],
            };
            if scales_seen.insert(q.kind) {
                read += scale.iter().map(|k| words(&t(Lang::En, k))).sum::<usize>();
            }
            read += q.options.iter().map(|o| words(&o.label)).sum::<usize>();
            closed += usize::from(q.kind != QuestionKind::Text);
        }
        read as f64 / 200.0 + closed as f64 * 3.0 / 60.0
    }

    #[test]
    fn a_service_user_or_carer_answers_every_question_in_under_five_minutes() {
        let defs = load_definitions(None).unwrap();
        for slug in [
            "service-user",
            "carer",
            "service-user-easy-read",
            "staff",
            "partner",
        ] {
            let survey = &defs.iter().find(|(_, s)| s.slug == slug).unwrap().1;
            let minutes = minutes_to_answer(survey);
            println!("{slug}: {minutes:.2} minutes");
            if slug != "service-user-easy-read" {
                assert!(minutes < 5.0, "{slug} takes {minutes:.2} minutes");
            }
        }
    }

    #[test]
    fn a_version_id_changes_when_the_wording_changes() {
        let defs = load_definitions(None).unwrap();
        let (_, mut survey) = defs.into_iter().next().unwrap();
        let before = SurveyVersion::new(survey.clone()).id;
        assert_eq!(before, SurveyVersion::new(survey.clone()).id);
        survey.questions[0].text.push('!');
        assert_ne!(before, SurveyVersion::new(survey).id);
    }

    #[test]
    fn a_folder_definition_overrides_the_shipped_one_with_the_same_slug() {
        let dir = tempfile::tempdir().unwrap();
        let shipped = ShippedSurveys::get("carer.toml").unwrap();
        let text =
            String::from_utf8_lossy(&shipped.data).replace("title = ", "title = \"Changed\"\n#");
        std::fs::write(dir.path().join("carer.toml"), text).unwrap();
        let catalogue = Catalogue::new(load_definitions(Some(dir.path())).unwrap());
        assert_eq!(catalogue.current("carer").unwrap().survey.title, "Changed");
    }

    #[test]
    fn a_broken_folder_file_is_reported_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("broken.toml"), "slug = \"broken\"\n").unwrap();
        let errors = load_definitions(Some(dir.path())).unwrap_err();
        assert!(errors[0].file.ends_with("broken.toml"));
    }
}
