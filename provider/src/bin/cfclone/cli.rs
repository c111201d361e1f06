//! The commands and their arguments (clap), each a thin shell over the library.

use cfclone::handler::{Handled, Invocation};
use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Debug, Parser)]
#[command(
    name = "cfclone",
    version,
    about = "Clone a reference CloudFront distribution (operator CLI)"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the provider on one CloudFormation custom resource event and print the
    /// response it sent (to the event's ResponseURL, unless that is empty).
    Invoke {
        /// The event, as JSON (see examples/events/).
        #[arg(long)]
        event: PathBuf,
        /// How long the operation may take, in seconds (waits continue in-process).
        #[arg(long, default_value_t = 3600)]
        timeout: u64,
    },
    /// Print the resource's type, properties and attributes as JSON.
    Schema,
}

/// Runs one command, writing its output to `out`. FAILED answers exit with 1.
pub async fn run(cli: Cli, out: &mut impl Write) -> ExitCode {
    match cli.command {
        Command::Schema => {
            let schema = serde_json::json!({
                "resourceType": cfclone::RESOURCE_TYPE,
                "properties": cfclone::properties::PROPERTY_NAMES,
                "attributes": cfclone::properties::ATTRIBUTE_NAMES,
                "ssmParameters": cfclone::properties::SSM_PARAMETER_NAMES,
            });
            let _ = writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&schema).unwrap_or_default()
            );
            ExitCode::SUCCESS
        }
        Command::Invoke { event, timeout } => {
            let text = match std::fs::read_to_string(&event) {
                Ok(text) => text,
                Err(e) => {
                    eprintln!("cfclone: cannot read {}: {e}", event.display());
                    return ExitCode::from(2);
                }
            };
            let payload = match serde_json::from_str(&text) {
                Ok(payload) => payload,
                Err(e) => {
                    eprintln!("cfclone: {} is not JSON: {e}", event.display());
                    return ExitCode::from(2);
                }
            };
            let provider = Arc::new(cfclone::setup::provider(false).await);
            let deadline = cfclone::aws::Clock::now_ms(&provider.aws.clock) + timeout * 1000;
            let invocation = Invocation::new(deadline, "");
            match provider.handle(payload, &invocation).await {
                Handled::Answered { answer, body, .. } => {
                    // The body as sent, indented for a terminal.
                    let value: serde_json::Value =
                        serde_json::from_slice(&body).unwrap_or_default();
                    let _ = writeln!(
                        out,
                        "{}",
                        serde_json::to_string_pretty(&value).unwrap_or_default()
                    );
                    if answer.is_success() {
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::FAILURE
                    }
                }
                other => {
                    eprintln!("cfclone: {}", other.summary());
                    ExitCode::from(2)
                }
            }
        }
    }
}
