//! Questionnaires as data: definitions from `surveys/*.toml`, versioned by content hash.
//!
//! The shipped definitions are embedded in the binary; a folder named by `SURVEYS_DIR` adds to
//! them or overrides one with the same slug. Each distinct definition is stored once as a
//! version, so editing a file never changes what earlier answers meant.

pub mod answers;
pub mod definition;

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

    #[test]
    fn every_criterion_has_a_question_for_each_source_the_domain_lists() {
        use Respondent::*;
        let required: &[(&str, &[Respondent])] = &[
            ("13e", &[ServiceUser, Carer, Staff]),
            ("20b", &[ServiceUser, Carer, Staff]),
            ("21d", &[ServiceUser, Carer, Staff]),
            ("22d", &[ServiceUser, Carer, Staff, Partner]),
            ("26e", &[ServiceUser, Carer, Staff]),
            ("34e", &[Staff, Partner, ServiceUser]),
        ];
        let defs = load_definitions(None).unwrap();
        for (code, sources) in required {
            for source in *sources {
                let covered = defs.iter().any(|(_, s)| {
                    s.respondent == *source
                        && s.questions
                            .iter()
                            .any(|q| q.criterion.map(|c| c.code()) == Some(code))
                });
                assert!(covered, "criterion {code} has no question for {source:?}");
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
