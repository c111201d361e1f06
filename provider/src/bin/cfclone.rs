//! The operator CLI: runs the provider's own code locally.

use clap::Parser;
use std::process::ExitCode;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = cfclone::cli::Cli::parse();
    cfclone::setup::init_logging(false);
    cfclone::cli::run(cli, &mut std::io::stdout()).await
}
