//! `productsynch feed …`: owned by the feed engine (issue 3).
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum FeedCommand {
    /// Validate a feed file.
    Validate { file: std::path::PathBuf },
}

pub fn run(_c: FeedCommand) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not implemented yet")
}
