//! `surveys check`: load every questionnaire definition and name the file and question at fault.

use crate::config::Settings;

#[derive(clap::Subcommand)]
pub enum SurveysCommand {
    /// Load and check every questionnaire definition.
    Check,
}

pub fn run(command: SurveysCommand, settings: &Settings) -> anyhow::Result<()> {
    match command {
        SurveysCommand::Check => {
            match crate::surveys::load_definitions(settings.surveys_dir.as_deref()) {
                Ok(defs) => {
                    for (file, s) in &defs {
                        println!(
                            "ok {file}: {} ({}, {} questions)",
                            s.slug,
                            s.respondent.as_str(),
                            s.questions.len()
                        );
                    }
                    Ok(())
                }
                Err(errors) => {
                    for e in &errors {
                        eprintln!("{e}");
                    }
                    anyhow::bail!("{} questionnaire definition(s) are not valid", errors.len())
                }
            }
        }
    }
}
