//! The checks before a clone exists: `plan` (the dry run) and `certificates`.

use crate::cli::Output;
use crate::fleet::reader;
use crate::render::{fail, pretty, table};
use cfclone::handler::Provider;
use cfclone::lifecycle::{Listing, Preflight};
use serde_json::{Value, json};
use std::io::Write;
use std::process::ExitCode;

/// The properties `plan` runs on: the file's (an object of properties, or the
/// Custom::ClonedDistribution resource of a template), the flags over them.
pub fn declared(
    file: Option<&std::path::Path>,
    resource: Option<&str>,
    reference: Option<String>,
    aliases: Vec<String>,
    origin_domain_name: Option<String>,
) -> Result<Value, String> {
    let mut declared = match file {
        None => json!({}),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let value: Value = serde_json::from_str(&text)
                .map_err(|e| format!("{} is not JSON: {e}", path.display()))?;
            from_template(value, resource).map_err(|e| format!("{}: {e}", path.display()))?
        }
    };
    if let Some(reference) = reference {
        declared["ReferenceDistributionId"] = json!(reference);
    }
    if !aliases.is_empty() {
        declared["Aliases"] = json!(aliases);
    }
    if let Some(domain) = origin_domain_name {
        declared["OriginDomainName"] = json!(domain);
    }
    declared["ServiceToken"] = json!("cfclone-plan");
    Ok(declared)
}

fn from_template(value: Value, resource: Option<&str>) -> Result<Value, String> {
    let Some(resources) = value.get("Resources").and_then(Value::as_object) else {
        return Ok(value);
    };
    let clones: Vec<(&String, &Value)> = resources
        .iter()
        .filter(|(_, r)| r["Type"] == cfclone::RESOURCE_TYPE)
        .filter(|(name, _)| resource.is_none_or(|wanted| wanted == name.as_str()))
        .collect();
    match clones.as_slice() {
        [(_, r)] => Ok(r.get("Properties").cloned().unwrap_or_else(|| json!({}))),
        [] => Err(format!(
            "no {} resource{} in the template",
            cfclone::RESOURCE_TYPE,
            resource.map(|r| format!(" named {r}")).unwrap_or_default()
        )),
        several => Err(format!(
            "several {} resources ({}); choose one with --resource",
            cfclone::RESOURCE_TYPE,
            several
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

pub async fn plan(
    provider: &Provider,
    declared: &Value,
    stack_region: &str,
    listing: Listing,
    output: Output,
    out: &mut impl Write,
) -> ExitCode {
    let properties = match cfclone::properties::Properties::parse(declared, stack_region) {
        Ok(p) => p,
        Err(e) => return fail(format!("{}: {}", e.property, e.message)),
    };
    let preflight = match reader(provider)
        .preflight(&properties, "cfclone-plan", listing)
        .await
    {
        Ok(found) => found,
        Err(e) => return fail(e.reason()),
    };
    let report = cfclone::report::plan(&properties, &preflight);
    let Preflight {
        inputs,
        planned,
        findings,
        distributions,
    } = preflight;
    let blocked = report["blocked"] == true;
    let changes = cfclone::fields::changes(&inputs.reference, &planned);
    let needs = cfclone::permissions::needed(&planned);
    let buckets = cfclone::plan::origin_access_control_buckets(&planned);
    let certificate = inputs
        .certificate
        .in_plan()
        .unwrap_or("CloudFront's default (no aliases)");
    let _ = match output {
        Output::Json => writeln!(out, "{}", pretty(&report)),
        Output::Table => {
            let mut text = format!(
                "A clone of {} ({}), certificate {certificate}\n\nChanges against the reference:\n",
                properties.reference_distribution_id,
                cfclone::fields::revision(&inputs.reference)
            );
            for change in &changes {
                text.push_str(&format!("  {}\n", change.field));
                for line in change.lines() {
                    text.push_str(&format!("    {line}\n"));
                }
            }
            text.push_str("\nBefore creating it:\n");
            for finding in &findings {
                let mark = if finding.blocks() { "BLOCKS: " } else { "" };
                text.push_str(&format!("  {mark}{}\n", finding.text()));
            }
            if needs.is_empty() && buckets.is_empty() && findings.is_empty() {
                text.push_str(
                    "  nothing: the provider's role needs no more than its own permissions\n",
                );
            }
            for need in &needs {
                text.push_str(&format!("  the provider's role needs {need}\n"));
            }
            for bucket in &buckets {
                text.push_str(&format!(
                    "  bucket {bucket} uses origin access control: its policy must allow the clone's ARN (AWS:SourceArn)\n"
                ));
            }
            if distributions.is_none() {
                text.push_str(
                    "\nThe account's distributions were not listed: --list-account checks the distributions quota too.\n",
                );
            }
            write!(out, "{text}")
        }
    };
    if blocked {
        eprintln!("cfclone: the clone cannot be made as planned (see the BLOCKS lines)");
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

pub async fn certificates(
    provider: &Provider,
    aliases: &[String],
    output: Output,
    out: &mut impl Write,
) -> ExitCode {
    use cfclone::certificates::Verdict;
    let candidates = match reader(provider).certificate_candidates(aliases).await {
        Ok(candidates) => candidates,
        Err(e) => return fail(e.reason()),
    };
    let chosen = candidates.iter().any(|(_, v)| *v == Verdict::Chosen);
    let rows: Vec<(String, String, &str, String)> = candidates
        .iter()
        .map(|(c, verdict)| {
            let (word, why) = match verdict {
                Verdict::Chosen => ("chosen", "covers every alias".to_owned()),
                Verdict::Passed(why) => ("passed over", why.clone()),
                Verdict::Rejected(why) => ("rejected", why.clone()),
            };
            (c.arn.clone(), c.domain_name.clone(), word, why)
        })
        .collect();
    let _ = match output {
        Output::Json => writeln!(
            out,
            "{}",
            pretty(&json!({
                "aliases": aliases,
                "certificates": rows.iter().map(|(arn, domain, verdict, why)| json!({
                    "certificateArn": arn, "domainName": domain, "verdict": verdict, "reason": why,
                })).collect::<Vec<_>>(),
            }))
        ),
        Output::Table => {
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|(arn, domain, verdict, why)| {
                    vec![
                        arn.clone(),
                        domain.clone(),
                        (*verdict).to_owned(),
                        why.clone(),
                    ]
                })
                .collect();
            write!(
                out,
                "{}",
                table(&["CERTIFICATE", "DOMAIN", "VERDICT", "WHY"], &cells)
            )
        }
    };
    if chosen {
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "cfclone: no certificate covers {}; request or import one in us-east-1 that covers every alias",
            aliases.join(", ")
        );
        ExitCode::FAILURE
    }
}
