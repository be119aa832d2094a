//! The `productsynch` binary: a thin shell over the library crates.
//! Each subcommand lives in its own module so that capabilities can grow independently.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod feed_cmd;
mod platform_cmd;
mod sim_cmd;

#[derive(Parser)]
#[command(name = "productsynch", version, about = "WooCommerce catalogs, delivered to ChatGPT as OpenAI product feeds")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server, the job workers and the scheduler.
    Serve(platform_cmd::ServeArgs),
    /// Apply database migrations and exit.
    Migrate(platform_cmd::MigrateArgs),
    /// Start the whole product with a demo account and a simulated store, ready to click through.
    Demo(platform_cmd::DemoArgs),
    /// Run the WooCommerce store simulator (and the other outside-service simulators).
    Sim(sim_cmd::SimArgs),
    /// Validate and build OpenAI product feed files.
    #[command(subcommand)]
    Feed(feed_cmd::FeedCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // One process-wide rustls crypto provider (aws-lc-rs) for every crate that relies on it.
    productsynch_api::server::install_crypto_provider();
    let result = match cli.command {
        Command::Serve(a) => platform_cmd::serve(a),
        Command::Migrate(a) => platform_cmd::migrate(a),
        Command::Demo(a) => platform_cmd::demo(a),
        Command::Sim(a) => sim_cmd::run(a),
        Command::Feed(c) => feed_cmd::run(c),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
