//! The REST API's property-based run: schemathesis (PyPI, installed into .venv by setup)
//! generates requests from `api/openapi.json` — its examples, the edge cases of every schema,
//! random and schema-breaking input, and sequences that follow the document's links (make a
//! clone, then read, diff, change, sync and delete it) — and sends them over HTTP through the
//! local API Gateway stand-in to the real provider binary on the strict emulator. It fails on
//! any 5xx, any status, content type, header or body the document does not describe, any
//! schema-breaking request the API accepts, any request without the authorizer's claims that
//! gets past the API, and a clone that is not there after its Create or still there after its
//! Delete; and the reference is untouched afterwards.
//!
//! Deterministic (a fixed seed, no example database), so a failure reproduces; the report
//! names the request, and `make demo-api SERVE=1` serves the API for replaying it.

use cfclone_e2e::Harness;
use cfclone_e2e::gateway::{ALL_SCOPES, serve_api};
use cfclone_e2e::moto::venv;
use std::sync::Arc;

/// The reference id the document's examples use; the run's copy names the seeded reference.
const EXAMPLE_REFERENCE: &str = "EDFDVBD6EXAMPLE";

/// Test cases per operation and phase: enough to cover each schema's edge cases, few enough
/// that the run stays around a minute on two cores.
const MAX_EXAMPLES: &str = "25";

/// Distinct aliases the run may give clones (each can be in use by one clone at a time).
const ALIASES: usize = 200;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_no_server_error_and_no_answer_outside_the_document() {
    let schemathesis = venv().join("bin/schemathesis");
    assert!(
        schemathesis.exists(),
        "{} is missing: run `make setup` (scripts/setup installs scripts/requirements.txt into .venv)",
        schemathesis.display()
    );
    let h = Arc::new(Harness::start().await);
    let reference = h.seed_reference().await;
    h.issue_certificate("shop.example.com", &["*.shop.example.com"])
        .await;
    let (address, server) = serve_api(Arc::clone(&h), ALL_SCOPES).await;

    let document = std::fs::read_to_string(cfclone_e2e::workspace_dir().join("api/openapi.json"))
        .expect("api/openapi.json");
    assert!(
        document.contains(EXAMPLE_REFERENCE),
        "the document's examples no longer name {EXAMPLE_REFERENCE}: the run would never reach a real reference"
    );
    let run = tempdir();
    let schema = run.join("openapi.json");
    std::fs::write(&schema, document.replace(EXAMPLE_REFERENCE, &reference.id)).expect("write");
    std::fs::write(run.join("schemathesis.toml"), config(&reference.id)).expect("write");

    let output = tokio::process::Command::new(&schemathesis)
        .current_dir(&run)
        .args(["run", schema.to_str().expect("utf-8")])
        .args(["--url", &format!("http://{address}")])
        .args(["--header", "Authorization: Bearer local"])
        .args(["--checks", "all"])
        // A valid request may rightly be refused: a reference or clone that does not exist
        // (404), an alias already in use (409). The check asks for a 2xx to every valid one.
        .args(["--exclude-checks", "positive_data_acceptance"])
        .args(["--max-examples", MAX_EXAMPLES, "--seed", "1"])
        .args(["--generation-database", "none", "--workers", "1"])
        .args(["--request-timeout", "30", "--no-color"])
        .args(["--report", "ndjson"])
        .output()
        .await
        .expect("schemathesis runs");
    server.abort();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    println!("{report}");
    assert!(
        output.status.success(),
        "schemathesis failed (its report: {}):\n{report}",
        run.join("schemathesis-report").display()
    );
    // A run that tested nothing would also succeed.
    assert!(
        report.contains("passed") && !report.contains("No operations"),
        "{report}"
    );
    assert!(h.abnormal_invocations().is_empty(), "{}", h.diagnostics());
}

/// The run's configuration (schemathesis.toml, read from the directory it runs in): most
/// generated requests name the seeded reference and aliases its certificate covers, so they
/// reach CloudFront and make real clones, which the document's links then read, diff,
/// change, sync and delete; the rest stay random.
fn config(reference: &str) -> String {
    let aliases: Vec<String> = (0..ALIASES)
        .map(|n| format!("\"c{n}.shop.example.com\""))
        .collect();
    format!(
        r#"[dictionaries.references]
values = ["{reference}"]

[dictionaries.aliases]
values = [{aliases}]

[dictionaries.origins]
values = ["origin-a.example.net", "origin-b.example.org"]

[parameters]
"body.ReferenceDistributionId" = {{ dictionary = "references", probability = 0.9 }}
"query.ref_dist" = {{ dictionary = "references", probability = 0.9 }}
"query.reference" = {{ dictionary = "references", probability = 0.5 }}
"body.Aliases[*]" = {{ dictionary = "aliases", probability = 0.9 }}
"query.domain" = {{ dictionary = "aliases", probability = 0.9 }}
"body.OriginDomainName" = {{ dictionary = "origins", probability = 0.8 }}
"query.origin" = {{ dictionary = "origins", probability = 0.8 }}
"#,
        aliases = aliases.join(", ")
    )
}

/// A fresh directory for the run's schema and report.
fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("cfclone-schemathesis-{}", cfclone_e2e::uuid()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}
