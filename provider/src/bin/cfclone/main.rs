//! The operator CLI (`cfclone`): the provider's own operations, run locally.

mod cli;
mod commands;
mod fleet;
mod preflight;
mod render;

use clap::Parser;
use std::process::ExitCode;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = cli::Cli::parse();
    cfclone::setup::init_logging(false);
    commands::run(args, &mut std::io::stdout()).await
}
