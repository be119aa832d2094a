//! `productsynch sim`: owned by the WooCommerce connector and simulator (issue 4).
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct SimArgs {
    /// Port to listen on.
    #[arg(long, default_value_t = 8081)]
    pub port: u16,
}

pub fn run(_a: SimArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not implemented yet")
}
