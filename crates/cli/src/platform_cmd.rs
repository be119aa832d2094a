//! `serve`, `migrate`, `demo`: owned by the platform (issue 5).
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Which parts to run in this process.
    #[arg(long, default_value = "all")]
    pub role: String,
}
#[derive(clap::Args)]
pub struct MigrateArgs {}
#[derive(clap::Args)]
pub struct DemoArgs {}

pub fn serve(_a: ServeArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not implemented yet")
}
pub fn migrate(_a: MigrateArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not implemented yet")
}
pub fn demo(_a: DemoArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not implemented yet")
}
