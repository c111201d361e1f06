//! The REST API locally: moto as AWS, a reference distribution and a certificate, the real
//! `cfclone-provider` under a local Lambda, and a local stand-in for API Gateway on
//! loopback (`cfclone_e2e::gateway`: it plays the Cognito authorizer without checking
//! tokens). Plans, makes, lists, diffs and deletes clones over HTTP — the article's own
//! call included — printing each request and answer; with `--serve`, then keeps serving for your
//! own `curl` until Enter is pressed.
//!
//! Run with `make demo-api` (or `cargo run --release -p cfclone-e2e --bin demo_api [-- --serve]`).

use cfclone_e2e::Harness;
use cfclone_e2e::gateway::{ALL_SCOPES, serve_api};
use serde_json::{Value, json};
use std::process::ExitCode;
use std::sync::Arc;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let serve = std::env::args().any(|a| a == "--serve");
    println!("starting the emulator and the provider …");
    let h = Arc::new(Harness::start().await);
    let reference = h.seed_reference().await;
    h.issue_certificate("shop.example.com", &["*.shop.example.com"])
        .await;
    let (address, server) = serve_api(Arc::clone(&h), ALL_SCOPES).await;
    let base = format!("http://{address}");
    println!(
        "the API: {base} (reference {}; certificate for shop.example.com, *.shop.example.com)",
        reference.id
    );

    let http = reqwest::Client::new();
    let auth = "Bearer local";
    let body = json!({"ReferenceDistributionId": reference.id, "Aliases": ["blog.shop.example.com"], "OriginDomainName": "blog-origin.example.net"});
    let mut failures = 0;
    let mut step = |status: u16, expected: u16| {
        if status != expected {
            failures += 1;
        }
    };

    let (status, plan) = call(
        &http,
        "POST",
        &format!("{base}/plan"),
        Some(auth),
        Some(&body),
        None,
    )
    .await;
    step(status, 200);
    let (status, made) = call(
        &http,
        "POST",
        &format!("{base}/clones"),
        Some(auth),
        Some(&body),
        Some("blog-1"),
    )
    .await;
    step(status, 201);
    let id = made["distributionId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (status, _) = call(
        &http,
        "POST",
        &format!("{base}/clones"),
        Some(auth),
        Some(&body),
        Some("blog-1"),
    )
    .await;
    step(status, 201);
    let original = format!(
        "{base}/clone_distribution?domain=news.shop.example.com&origin=news-origin.example.net&ref_dist={}",
        reference.id
    );
    let (status, _) = call(&http, "GET", &original, Some(auth), None, None).await;
    step(status, 200);
    let (status, _) = call(
        &http,
        "GET",
        &format!("{base}/clones"),
        Some(auth),
        None,
        None,
    )
    .await;
    step(status, 200);
    h.aws
        .edit(&reference.id, |c| {
            c.default_root_object = Some("home.html".into())
        })
        .await;
    println!("\n(the reference is edited: DefaultRootObject home.html)");
    let (status, diff) = call(
        &http,
        "GET",
        &format!("{base}/clones/{id}/diff"),
        Some(auth),
        None,
        None,
    )
    .await;
    step(status, 200);
    let (status, _) = call(&http, "GET", &format!("{base}/clones"), None, None, None).await;
    step(status, 401);
    let (status, _) = call(
        &http,
        "DELETE",
        &format!("{base}/clones/{id}"),
        Some(auth),
        None,
        None,
    )
    .await;
    step(if status == 202 { 200 } else { status }, 200);
    h.settle().await;
    let (status, _) = call(
        &http,
        "GET",
        &format!("{base}/clones/{id}"),
        Some(auth),
        None,
        None,
    )
    .await;
    step(status, 404);
    let _ = (plan, diff);

    if serve {
        println!("\nServing on {base}; try:");
        println!("  curl -s -H 'Authorization: Bearer local' {base}/clones");
        println!("  curl -s -H 'Authorization: Bearer local' '{original}'");
        println!("Press Enter to stop (the emulator and the provider stop with it).");
        let _ =
            tokio::task::spawn_blocking(|| std::io::stdin().read_line(&mut String::new())).await;
    }
    server.abort();
    if failures == 0 {
        println!("\ndemo-api finished: every answer as expected");
        ExitCode::SUCCESS
    } else {
        println!("\ndemo-api: {failures} answers were not as expected");
        ExitCode::FAILURE
    }
}

/// Makes one request, printing it as a `curl` command and the answer; returns the status and
/// the JSON body.
async fn call(
    http: &reqwest::Client,
    method: &str,
    url: &str,
    auth: Option<&str>,
    body: Option<&Value>,
    key: Option<&str>,
) -> (u16, Value) {
    let mut curl = format!("curl -s -X {method} '{url}'");
    let mut request = http.request(method.parse().expect("a method"), url);
    if let Some(auth) = auth {
        curl.push_str(&format!(" -H 'Authorization: {auth}'"));
        request = request.header("Authorization", auth);
    }
    if let Some(key) = key {
        curl.push_str(&format!(" -H 'Idempotency-Key: {key}'"));
        request = request.header("Idempotency-Key", key);
    }
    if let Some(body) = body {
        curl.push_str(&format!(" -H 'Content-Type: application/json' -d '{body}'"));
        request = request.json(body);
    }
    println!("\n$ {curl}");
    let Ok(response) = request.send().await else {
        println!("  (no answer)");
        return (0, Value::Null);
    };
    let status = response.status().as_u16();
    let value: Value = response.json().await.unwrap_or_default();
    println!(
        "{status}\n{}",
        serde_json::to_string_pretty(&value).unwrap_or_default()
    );
    (status, value)
}
