//! Running one command: the provider is built once, each command is a few lines over the
//! library (`fleet` for the fleet's commands).

use crate::cli::{Cli, Command};
use crate::render::{fail, pretty};
use crate::{fleet, preflight};
use cfclone::aws::client::Target;
use cfclone::handler::Handled;
use cfclone::runner::Invocation;
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

/// Runs one command, writing its output to `out`.
pub async fn run(cli: Cli, out: &mut impl Write) -> ExitCode {
    if let Command::Schema = cli.command {
        let schema = serde_json::json!({
            "resourceType": cfclone::RESOURCE_TYPE,
            "properties": cfclone::properties::PROPERTY_NAMES,
            "attributes": cfclone::properties::ATTRIBUTE_NAMES,
            "ssmParameters": cfclone::properties::SSM_PARAMETER_NAMES,
        });
        let _ = writeln!(out, "{}", pretty(&schema));
        return ExitCode::SUCCESS;
    }
    let target = Target {
        region: cli.global.region.clone(),
        profile: cli.global.profile.clone(),
        connect: cfclone::aws::client::Connect::FailFast,
    };
    let provider = Arc::new(cfclone::setup::provider_for(false, &target).await);
    let output = cli.global.output;
    match cli.command {
        Command::Schema => unreachable!("answered above"),
        Command::Invoke { event, timeout } => invoke(&provider, &event, timeout, out).await,
        Command::Revision { reference } => {
            fleet::revision(&provider, &reference, output, out).await
        }
        Command::Plan {
            properties,
            resource,
            reference,
            aliases,
            origin_domain_name,
            stack_region,
            list_account,
        } => {
            let declared = match preflight::declared(
                properties.as_deref(),
                resource.as_deref(),
                reference,
                aliases,
                origin_domain_name,
            ) {
                Ok(declared) => declared,
                Err(message) => return fail(message),
            };
            let listing = match list_account {
                true => cfclone::lifecycle::Listing::Always,
                false => cfclone::lifecycle::Listing::WhenNeeded,
            };
            preflight::plan(&provider, &declared, &stack_region, listing, output, out).await
        }
        Command::Certificates { aliases } => {
            preflight::certificates(&provider, &aliases, output, out).await
        }
        Command::Diff { clone } => fleet::diff(&provider, &clone, output, out).await,
        Command::List { reference, scan } => {
            fleet::list(&provider, reference.as_deref(), scan, output, out).await
        }
        Command::Sync {
            clones,
            reference,
            dry_run,
            wave,
            force,
            timeout,
        } => {
            let options = fleet::SyncOptions {
                dry_run,
                wave: usize::from(wave),
                force,
                timeout_s: timeout,
            };
            fleet::sync(
                &provider,
                &clones,
                reference.as_deref(),
                &options,
                output,
                out,
            )
            .await
        }
    }
}

async fn invoke(
    provider: &Arc<cfclone::handler::Provider>,
    event: &std::path::Path,
    timeout: u64,
    out: &mut impl Write,
) -> ExitCode {
    let text = match std::fs::read_to_string(event) {
        Ok(text) => text,
        Err(e) => return fail(format!("cannot read {}: {e}", event.display())),
    };
    let payload = match serde_json::from_str(&text) {
        Ok(payload) => payload,
        Err(e) => return fail(format!("{} is not JSON: {e}", event.display())),
    };
    let deadline = provider.runner.aws.clock.now_ms() + timeout * 1000;
    match provider
        .handle(payload, &Invocation::new(deadline, ""))
        .await
    {
        Handled::Answered { answer, body, .. } => {
            // The body as sent, indented for a terminal.
            let value: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
            let _ = writeln!(out, "{}", pretty(&value));
            if answer.is_success() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        other => fail(other.summary()),
    }
}
