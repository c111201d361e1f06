//! A readable description of a distribution and of its SSM parameters (for the demo and
//! for failure messages).

use crate::aws::Distribution;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Several lines describing `d`, each indented by `indent`.
pub fn distribution(d: &Distribution, tags: &BTreeMap<String, String>, indent: &str) -> String {
    let c = &d.config;
    let mut out = String::new();
    let mut line = |label: &str, value: String| {
        let _ = writeln!(out, "{indent}{label:<13} {value}");
    };
    line("id", d.id.clone());
    line("domain", d.domain_name.clone());
    line(
        "state",
        format!(
            "{}, {}",
            d.status,
            if c.enabled { "enabled" } else { "disabled" }
        ),
    );
    let aliases = d.aliases();
    line(
        "aliases",
        if aliases.is_empty() {
            "(none)".into()
        } else {
            aliases.join(", ")
        },
    );
    let certificate = c.viewer_certificate.as_ref().map_or_else(
        || "(none)".to_owned(),
        |v| match v.acm_certificate_arn.as_deref().filter(|a| !a.is_empty()) {
            Some(arn) => format!(
                "{arn} ({}, {})",
                v.ssl_support_method.as_ref().map_or("?", |m| m.as_str()),
                v.minimum_protocol_version
                    .as_ref()
                    .map_or("?", |m| m.as_str())
            ),
            None => "CloudFront's default certificate".into(),
        },
    );
    line("certificate", certificate);
    line("comment", c.comment.clone());
    line(
        "price class",
        c.price_class
            .as_ref()
            .map_or("(default)", |p| p.as_str())
            .to_owned(),
    );
    let logging = c.logging.as_ref().filter(|l| l.enabled);
    line(
        "logging",
        logging.map_or("off".into(), |l| format!("{}/{}", l.bucket, l.prefix)),
    );
    let _ = writeln!(out, "{indent}origins");
    for o in c
        .origins
        .as_ref()
        .map(|o| o.items.as_slice())
        .unwrap_or_default()
    {
        let kind = match &o.custom_origin_config {
            Some(custom) => format!(
                "custom, {}, {}",
                custom.origin_protocol_policy.as_str(),
                custom
                    .origin_ssl_protocols
                    .as_ref()
                    .map(|p| p
                        .items
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join("+"))
                    .unwrap_or_default()
            ),
            None => "s3".into(),
        };
        let _ = writeln!(
            out,
            "{indent}  {:<8} {}{}  ({kind})",
            o.id,
            o.domain_name,
            o.origin_path.as_deref().unwrap_or_default()
        );
    }
    let _ = writeln!(out, "{indent}behaviours");
    let behaviours = c
        .cache_behaviors
        .as_ref()
        .and_then(|b| b.items.clone())
        .unwrap_or_default();
    for b in &behaviours {
        let _ = writeln!(
            out,
            "{indent}  {:<10} → {:<8} {}",
            b.path_pattern,
            b.target_origin_id,
            b.viewer_protocol_policy.as_str()
        );
    }
    if let Some(b) = &c.default_cache_behavior {
        let _ = writeln!(
            out,
            "{indent}  {:<10} → {:<8} {}",
            "(default)",
            b.target_origin_id,
            b.viewer_protocol_policy.as_str()
        );
    }
    let errors = c
        .custom_error_responses
        .as_ref()
        .and_then(|e| e.items.clone())
        .unwrap_or_default();
    if !errors.is_empty() {
        let list: Vec<String> = errors
            .iter()
            .map(|e| match e.response_page_path.as_deref() {
                Some(page) if !page.is_empty() => format!("{} → {page}", e.error_code),
                _ => format!(
                    "{} (cached {} s)",
                    e.error_code,
                    e.error_caching_min_ttl.unwrap_or(0)
                ),
            })
            .collect();
        let _ = writeln!(out, "{indent}{:<13} {}", "error pages", list.join(", "));
    }
    if !tags.is_empty() {
        let _ = writeln!(out, "{indent}tags");
        for (k, v) in tags {
            let _ = writeln!(out, "{indent}  {k} = {v}");
        }
    }
    out
}

/// The parameters of each region, one per line.
pub fn parameters(by_region: &[(String, BTreeMap<String, String>)], indent: &str) -> String {
    let mut out = String::new();
    for (region, parameters) in by_region {
        let _ = writeln!(out, "{indent}{region}");
        if parameters.is_empty() {
            let _ = writeln!(out, "{indent}  (none)");
        }
        for (name, value) in parameters {
            let _ = writeln!(out, "{indent}  {name} = {value}");
        }
    }
    out
}
