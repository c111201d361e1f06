//! cfclone side by side with the original Python Lambda (the baseline), on one emulator,
//! in one run; `src/bin/bench.rs` runs it and writes BENCHMARKS.md. Built on the e2e
//! harness: [`crate::moto`] (the emulator and its control API), [`crate::lambda`] (the
//! Runtime API and the provider process), [`crate::cloudformation`] (the events),
//! [`crate::response_url`] (the ResponseURL, timed), [`crate::seed`] (the reference).
//!
//! - [`provider`]: one provider process under its own local Lambda, cold or warm.
//! - [`baseline`]: the baseline in fresh Python processes (`bench/baseline_child.py`).
//! - [`proxy`]: a proxy in front of the emulator that times each call, and records and
//!   replays the emulator's answers.
//! - [`measure`], [`faults`], [`fleet`]: the measurements (the fleet: clones made in a
//!   burst, kept in step by `cfclone sync`); [`results`]: what they found;
//!   [`report`], [`table`], [`sections`], [`control`], [`fleet_report`]: BENCHMARKS.md;
//!   [`system`]: the machine and its other work.

pub mod baseline;
pub mod control;
pub mod faults;
pub mod fleet;
pub mod fleet_report;
pub mod measure;
pub mod provider;
pub mod proxy;
pub mod report;
pub mod results;
pub mod scale;
pub mod scale_report;
pub mod sections;
pub mod system;
pub mod table;

use crate::aws::Aws;
use crate::cloudformation::{Request, event_body};
use crate::moto::Moto;
use crate::response_url::ResponseUrl;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

pub const ACCOUNT: &str = crate::ACCOUNT;
/// The provider's and the baseline's region (CloudFront's certificates live here too).
pub const REGION: &str = "us-east-1";
pub const FUNCTION: &str = "cfclone-bench";
pub const STACK_ID: &str = "arn:aws:cloudformation:us-east-1:123456789012:stack/bench/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
pub const NEW_ORIGIN: &str = "shop-origin.example.net";
pub const UPDATED_ORIGIN: &str = "shop-origin-v2.example.net";
/// The shape of every fresh alias (`shop-N.example.com`), for [`minimum_describes`].
pub const ALIAS_SHAPE: &str = "shop-1.example.com";

/// The seeded ACM certificates: names (domain name first, then the other SANs), key type,
/// days to expiry. A fresh alias `shop-N.example.com` is covered by the `*.example.com`
/// ones only; the P-384 one has a key type CloudFront refuses.
pub const CERTIFICATES: [(&[&str], &str, u32); 8] = [
    (&["*.example.com", "example.com"], "RSA_2048", 395),
    (
        &["example.com", "www.example.com", "shop.example.com"],
        "EC_prime256v1",
        200,
    ),
    (&["*.example.com"], "EC_secp384r1", 500),
    (&["www.example.org", "example.org"], "RSA_2048", 300),
    (
        &["api.example.net", "admin.example.net"],
        "EC_prime256v1",
        120,
    ),
    (&["*.eu.example.com"], "RSA_2048", 90),
    (&["static.example.io"], "RSA_2048", 365),
    (
        &["*.internal.example.com", "internal.example.com"],
        "RSA_3072",
        700,
    ),
];

/// DescribeCertificate calls the design implies when summaries carry no SANs: one per
/// usable certificate (unexpired, a key type CloudFront accepts) whose domain name does
/// not already cover the alias.
pub fn minimum_describes() -> usize {
    let covers = |name: &str, host: &str| {
        name == host
            || name
                .strip_prefix("*.")
                .is_some_and(|rest| host.split_once('.').is_some_and(|(_, h)| h == rest))
    };
    let accepted = [
        "RSA_1024",
        "RSA_2048",
        "RSA_3072",
        "RSA_4096",
        "EC_prime256v1",
    ];
    CERTIFICATES
        .iter()
        .filter(|(names, key, _)| accepted.contains(key) && !covers(names[0], ALIAS_SHAPE))
        .count()
}

/// How the run is set up (bench's command line).
#[derive(Debug, Clone)]
pub struct Config {
    pub binary: PathBuf,
    pub baseline: PathBuf,
    pub runs: usize,
    pub warm: usize,
    pub latency_runs: usize,
    pub throttle_runs: usize,
    pub burst_rounds: usize,
    pub logs: PathBuf,
    pub criterion: PathBuf,
    pub zips: PathBuf,
    pub command: String,
    pub out: PathBuf,
    pub json_out: Option<PathBuf>,
    /// The `cfclone` CLI the fleet phase runs.
    pub cli: PathBuf,
    /// Clones in the fleet phase.
    pub fleet: usize,
    /// Extra environment for every provider process (experiments).
    pub provider_env: Vec<(String, String)>,
}

/// The run's shared world: the emulator, seeded; the proxy; the ResponseURL.
pub struct Bench {
    pub config: Config,
    pub moto: Moto,
    pub aws: Aws,
    pub proxy: proxy::Proxy,
    pub responses: ResponseUrl,
    pub reference: String,
    pub certificates: Vec<String>,
    aliases: AtomicU64,
}

impl Bench {
    /// Starts the emulator and seeds it: the reference distribution and [`CERTIFICATES`].
    pub async fn start(config: Config) -> Self {
        let moto = Moto::start_with_log(Some(&config.logs.join("moto.log"))).await;
        let aws = Aws::new(&moto.endpoint()).await;
        let mut certificates = Vec::new();
        for (names, key_type, days) in CERTIFICATES {
            certificates.push(crate::seed::imported_certificate(&aws, names, key_type, days).await);
        }
        let mut reference = crate::seed::reference_config("bench-reference", &certificates[0]);
        add_error_page(&mut reference);
        let reference = crate::seed::distribution(&aws, reference, &[("team", "shop")])
            .await
            .id;
        let proxy = proxy::Proxy::start(moto.port()).await;
        Self {
            config,
            proxy,
            responses: ResponseUrl::start().await,
            reference,
            certificates,
            aws,
            moto,
            aliases: AtomicU64::new(1),
        }
    }

    /// A fresh alias: CloudFront (and the emulator) refuses an alias another distribution
    /// has, so every Create takes its own.
    pub fn fresh_alias(&self) -> String {
        format!(
            "shop-{}.example.com",
            self.aliases.fetch_add(1, Ordering::Relaxed)
        )
    }

    /// A clone of the reference with one alias (a fresh one unless given) and a new origin.
    pub fn clone_properties(&self, origin: &str, alias: Option<&str>) -> Value {
        let alias = alias.map_or_else(|| self.fresh_alias(), str::to_owned);
        json!({
            "ReferenceDistributionId": self.reference,
            "Aliases": [alias],
            "OriginDomainName": origin,
        })
    }

    /// A Create of the resource `logical_id` of the stack: a clone of `reference` with a
    /// fresh alias and the new origin.
    pub fn create_of(&self, reference: &str, logical_id: &str) -> (String, Value) {
        let properties = json!({
            "ReferenceDistributionId": reference,
            "Aliases": [self.fresh_alias()],
            "OriginDomainName": NEW_ORIGIN,
        });
        self.event_of(logical_id, "Create", properties, None, None)
    }

    /// A custom resource event answered at [`Bench::responses`]: (its RequestId, the event).
    pub fn event(
        &self,
        request_type: &str,
        properties: Value,
        physical_id: Option<&str>,
        old_properties: Option<Value>,
    ) -> (String, Value) {
        self.event_of(
            "ShopClone",
            request_type,
            properties,
            physical_id,
            old_properties,
        )
    }

    fn event_of(
        &self,
        logical_id: &str,
        request_type: &str,
        properties: Value,
        physical_id: Option<&str>,
        old_properties: Option<Value>,
    ) -> (String, Value) {
        let request_id = crate::uuid();
        let token = format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{FUNCTION}");
        let body = event_body(
            &token,
            &self.responses.url(&request_id),
            STACK_ID,
            Request {
                request_type,
                request_id: &request_id,
                logical_id,
                physical_id,
                properties,
                old_properties,
            },
        );
        (request_id, body)
    }

    /// A plain Create event with a fresh alias.
    pub fn create(&self) -> (String, Value) {
        self.event(
            "Create",
            self.clone_properties(NEW_ORIGIN, None),
            None,
            None,
        )
    }

    /// The baseline's event (an API Gateway proxy event); a fresh alias unless given.
    pub fn baseline_event(&self, domain: Option<&str>) -> Value {
        let domain = domain.map_or_else(|| self.fresh_alias(), str::to_owned);
        json!({"queryStringParameters": {"domain": domain, "origin": NEW_ORIGIN,
                                          "ref_dist": self.reference}})
    }

    /// Which seeded certificate a distribution uses: its domain name and key type.
    pub async fn chosen_certificate(&self, distribution_id: &str) -> String {
        let config = self.aws.distribution_config(distribution_id).await;
        let arn = config
            .viewer_certificate
            .and_then(|v| v.acm_certificate_arn)
            .unwrap_or_default();
        match self.certificates.iter().position(|a| *a == arn) {
            Some(i) => format!("{} ({})", CERTIFICATES[i].0[0], CERTIFICATES[i].1),
            None => format!("not a seeded certificate ({arn})"),
        }
    }
}

/// The e2e reference (`seed::reference_config`: 3 origins, 3 cache behaviours, logging, a
/// certificate) has 2 custom error responses; the benchmark's reference has a third.
fn add_error_page(config: &mut aws_sdk_cloudfront::types::DistributionConfig) {
    use aws_sdk_cloudfront::types::{CustomErrorResponse, CustomErrorResponses};
    let mut items = config
        .custom_error_responses
        .take()
        .and_then(|e| e.items)
        .unwrap_or_default();
    items.insert(
        0,
        CustomErrorResponse::builder()
            .error_code(403)
            .response_page_path("/index.html")
            .response_code("200")
            .error_caching_min_ttl(10)
            .build()
            .expect("custom error response"),
    );
    config.custom_error_responses = Some(
        CustomErrorResponses::builder()
            .quantity(items.len() as i32)
            .set_items(Some(items))
            .build()
            .expect("custom error responses"),
    );
}

/// Writes a line to stderr, as the run goes.
pub fn log(message: &str) {
    eprintln!("[bench] {message}");
}
