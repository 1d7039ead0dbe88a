//! The `crt-feedback text` commands: train the text model, and measure it on a Trust's own
//! labelled comments.

use crate::text::{evaluate, train};

/// `crt-feedback text ...`.
#[derive(Debug, clap::Subcommand)]
pub enum TextCommand {
    /// Rebuild the text model's weights from labelled comments, printing its figures on the
    /// kept-aside test split.
    Train(train::TrainArgs),
    /// Measure the shipped model on a CSV of your own labelled comments (text,sentiment[,fft]).
    Evaluate(evaluate::EvaluateArgs),
}

/// Runs one `crt-feedback text` command.
pub fn run(command: &TextCommand) -> anyhow::Result<()> {
    match command {
        TextCommand::Train(args) => train::run(args),
        TextCommand::Evaluate(args) => evaluate::run(args),
    }
}
