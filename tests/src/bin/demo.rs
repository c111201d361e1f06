//! The local demo: moto as AWS, a reference distribution and a certificate, then a
//! `Custom::ClonedDistribution` through Create → Update → Delete with the real
//! `cfclone-provider` binary under a local Lambda Runtime API — printing each event, each
//! response, what the provider logged and the resulting clone.
//!
//! Run with `cargo run --release -p cfclone-e2e --bin demo` after `cargo build --release`.

use cfclone_e2e::{Event, Harness, Options, Progression, Response, summary};
use serde_json::{Value, json};
use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::{Duration, Instant};

const LOGICAL_ID: &str = "ShopDistribution";
const PREFIX: &str = "/cfclone/shop";
const SSM_REGIONS: [&str; 2] = ["eu-west-1", "us-east-1"];

struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
    fn heading(&self, text: &str) {
        println!();
        println!("{}", self.paint("1", &format!("━━ {text} ")));
    }
    fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }
    fn status(&self, status: &str) -> String {
        match status {
            "SUCCESS" => self.paint("1;32", status),
            _ => self.paint("1;31", status),
        }
    }
}

fn indented(value: &Value, indent: &str) -> String {
    serde_json::to_string_pretty(value)
        .unwrap_or_default()
        .lines()
        .map(|l| format!("{indent}{l}\n"))
        .collect()
}

/// The provider's own log messages (level, message) written since `from`.
fn provider_messages(h: &Harness, from: usize) -> Vec<(String, String)> {
    h.logs()
        .iter()
        .skip(from)
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|v| {
            v["target"]
                .as_str()
                .is_some_and(|t| t.starts_with("cfclone"))
        })
        .map(|v| {
            let fields = &v["fields"];
            let mut text = fields["message"].as_str().unwrap_or_default().to_owned();
            for key in [
                "distribution_id",
                "certificate_arn",
                "region",
                "status",
                "enabled",
                "elapsed_s",
                "reason",
            ] {
                match &fields[key] {
                    Value::String(value) => text.push_str(&format!("  {key}={value}")),
                    Value::Null => {}
                    other => text.push_str(&format!("  {key}={other}")),
                }
            }
            (v["level"].as_str().unwrap_or_default().to_owned(), text)
        })
        .collect()
}

async fn step(h: &Harness, style: &Style, title: &str, event: &Event) -> Response {
    style.heading(title);
    println!("  → event sent to the provider (ResponseURL redacted)");
    print!("{}", indented(&event.redacted(), "      "));
    let logs_before = h.logs().len();
    let started = Instant::now();
    let responses = h.send(event).await;
    let elapsed = started.elapsed();
    println!("  ▸ the provider logged");
    for (level, message) in provider_messages(h, logs_before) {
        println!("      {} {message}", style.dim(&format!("{level:<5}")));
    }
    let count = responses.len();
    let response = responses.all.into_iter().last().expect("a response");
    println!(
        "  ← response on the ResponseURL: {} after {:.1} s ({} response{})",
        style.status(&response.status),
        elapsed.as_secs_f64(),
        count,
        if count == 1 { "" } else { "s" }
    );
    print!("{}", indented(&response.body, "      "));
    response
}

async fn show_clone(h: &Harness, id: &str) {
    match h.aws.distribution(id).await {
        Some(clone) => {
            let tags = h.aws.tags(&clone.arn).await;
            println!("  ▸ the clone in CloudFront");
            print!("{}", summary::distribution(&clone, &tags, "      "));
        }
        None => println!("  ▸ the clone {id} no longer exists"),
    }
    let mut by_region = Vec::new();
    for region in SSM_REGIONS {
        by_region.push((region.to_owned(), h.aws.parameters(region, PREFIX).await));
    }
    println!("  ▸ SSM parameters under {PREFIX}");
    print!("{}", summary::parameters(&by_region, "      "));
}

fn fail(style: &Style, what: &str, response: &Response) -> ExitCode {
    eprintln!();
    eprintln!(
        "{} {what}: {} {}",
        style.paint("1;31", "demo failed:"),
        response.status,
        response.reason()
    );
    ExitCode::FAILURE
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let style = Style {
        on: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let started = Instant::now();
    println!(
        "{}",
        style.paint(
            "1",
            "cfclone demo — a Custom::ClonedDistribution through Create → Update → Delete"
        )
    );
    let h = Harness::start_with(Options {
        log_level: "info".into(),
        poll_interval: Duration::from_millis(500),
        ..Options::default()
    })
    .await;
    println!(
        "  provider  {} (run as Lambda runs it, under a local Runtime API on {})",
        cfclone_e2e::provider_binary().display(),
        h.lambda.address()
    );
    println!(
        "  AWS       moto in server mode on {} (CloudFront, ACM, SSM, S3)",
        h.moto.endpoint()
    );
    println!("  stack     {}", h.stack.id);

    style.heading("The scene: a hand-tuned reference distribution and a certificate");
    let reference = h.seed_reference().await;
    let certificate = h
        .issue_certificate("shop.example.com", &["*.shop.example.com"])
        .await;
    let reference_view = h
        .aws
        .distribution(&reference.id)
        .await
        .expect("the reference exists");
    println!("  ▸ reference distribution");
    print!(
        "{}",
        summary::distribution(&reference_view, &h.aws.tags(&reference.arn).await, "      ")
    );
    println!("  ▸ ACM certificate in us-east-1 (ISSUED) for shop.example.com, *.shop.example.com");
    println!("      {certificate}");
    // Like CloudFront, moto keeps new distributions InProgress for a while: here, until
    // they have been read a few times.
    h.moto
        .set_distribution_progression(Progression::Manual(8))
        .await;

    let created_props = json!({
        "ReferenceDistributionId": reference.id,
        "Aliases": ["shop.example.com"],
        "OriginDomainName": "shop-api.example.net",
        "Tags": [{"Key": "team", "Value": "shop"}],
        "SsmParameterPrefix": PREFIX,
        "SsmRegions": SSM_REGIONS,
    });
    let create = h.create(LOGICAL_ID, created_props.clone()).await;
    let created = step(&h, &style, "1. Create", &create).await;
    if !created.is_success() {
        return fail(&style, "Create", &created);
    }
    let id = created.physical_resource_id.clone();
    show_clone(&h, &id).await;

    let mut updated_props = created_props.clone();
    updated_props["OriginDomainName"] = json!("shop-api-v2.example.net");
    updated_props["Aliases"] = json!(["shop.example.com", "www.shop.example.com"]);
    let update = h
        .update(
            LOGICAL_ID,
            &id,
            updated_props.clone(),
            created_props.clone(),
        )
        .await;
    let updated = step(
        &h,
        &style,
        "2. Update: a new origin domain and a second alias, in place",
        &update,
    )
    .await;
    if !updated.is_success() {
        return fail(&style, "Update", &updated);
    }
    show_clone(&h, &id).await;

    let delete = h.delete(LOGICAL_ID, &id, updated_props).await;
    let deleted = step(
        &h,
        &style,
        "3. Delete: disable, wait until deployed, delete",
        &delete,
    )
    .await;
    if !deleted.is_success() {
        return fail(&style, "Delete", &deleted);
    }
    show_clone(&h, &id).await;

    style.heading("Checks");
    let mut ok = true;
    let mut check = |passed: bool, text: &str| {
        ok &= passed;
        let mark = if passed {
            style.paint("32", "✓")
        } else {
            style.paint("31", "✗")
        };
        println!("  {mark} {text}");
    };
    check(
        updated.physical_resource_id == id,
        "the Update kept the clone's id",
    );
    check(
        h.aws.distribution(&id).await.is_none(),
        "the clone is deleted",
    );
    let mut parameters_gone = true;
    for region in SSM_REGIONS {
        parameters_gone &= h.aws.parameters(region, PREFIX).await.is_empty();
    }
    check(
        parameters_gone,
        "its SSM parameters are removed in both regions",
    );
    check(
        h.aws.distribution_config(&reference.id).await == reference.config,
        "the reference distribution is unchanged",
    );
    let mut one_each = true;
    for event in [&create, &update, &delete] {
        one_each &= h.responses(event).await.len() == 1;
    }
    check(one_each, "exactly one response per event");
    let signatures_logged = [&create, &update, &delete].iter().any(|e| {
        let query = e.response_url_query();
        h.logs().iter().any(|l| l.contains(query))
    });
    check(
        !signatures_logged,
        "no ResponseURL query string (a credential) in the provider's logs",
    );
    println!();
    if ok {
        println!(
            "{} in {:.1} s",
            style.paint("1;32", "demo finished"),
            started.elapsed().as_secs_f64()
        );
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "{}",
            style.paint("1;31", "demo failed: a check did not hold")
        );
        ExitCode::FAILURE
    }
}
