//! The end-to-end harness: the real `cfclone-provider` binary, run exactly as Lambda runs
//! it, against moto in server mode, with CloudFormation's side played by the harness.
//!
//! - [`moto`]: a moto server on a free loopback port, one per test, killed on drop.
//! - [`lambda`]: the Lambda Runtime API and the Lambda Invoke API on loopback, and the
//!   provider process under them (killed and restarted when it overruns its timeout,
//!   as Lambda does).
//! - [`cloudformation`]: real custom resource events with a pre-signed S3 `ResponseURL`
//!   on a versioned bucket, so that every response CloudFormation would receive is kept.
//! - [`seed`]: a realistic reference distribution and ACM certificates.
//! - [`aws`]: SDK clients on moto and the readings the tests assert on.
//! - [`summary`]: a readable description of a clone (for the demo and for failures).
//! - [`response_url`]: a ResponseURL on loopback that notes when each answer arrived, and
//!   [`procfs`]: CPU time and peak memory of a process (for the benchmarks).
//! - [`bench`]: the benchmarks against the baseline Lambda (`target/release/bench`).
//!
//! [`Harness`] ties them together; a test reads like
//!
//! ```no_run
//! # async fn example() {
//! use cfclone_e2e::{Harness, props};
//! let h = Harness::start().await;
//! let reference = h.seed_reference().await;
//! h.issue_certificate("shop.example.com", &[]).await;
//! let create = h.create("Shop", props(&reference.id, &["shop.example.com"])).await;
//! let response = h.send(&create).await.only();
//! assert_eq!(response.status, "SUCCESS");
//! # }
//! ```

pub mod aws;
pub mod bench;
pub mod cloudformation;
pub mod gateway;
pub mod http;
pub mod iam_calls;
pub mod lambda;
pub mod moto;
pub mod procfs;
pub mod response_url;
pub mod seed;
pub mod summary;

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use aws::Aws;
pub use cloudformation::{CloudFormation, Event, Response, Responses, Stack};
pub use lambda::{Invocation, Lambda, LambdaOptions, Outcome, Source};
pub use moto::{Moto, Progression};
pub use seed::Reference;

/// The region the stack (and the provider) live in.
pub const REGION: &str = "eu-west-1";
/// The account moto answers for.
pub const ACCOUNT: &str = "123456789012";
/// The provider function's name, as Lambda would report it.
pub const FUNCTION_NAME: &str = "cfclone-provider";
/// The prefix of the physical id of a Create that made nothing (DESIGN.md).
pub const NOT_CREATED_PREFIX: &str = "cfclone-not-created-";

/// How a test's harness is set up.
#[derive(Debug, Clone)]
pub struct Options {
    /// The provider function's timeout: each invocation's deadline, enforced by killing
    /// the process as Lambda does.
    pub function_timeout: Duration,
    /// `CFCLONE_POLL_INTERVAL_MS` of the provider.
    pub poll_interval: Duration,
    /// `AWS_LAMBDA_LOG_LEVEL` of the provider.
    pub log_level: String,
    /// Extra environment for the provider process (e.g. an endpoint override).
    pub extra_env: Vec<(String, String)>,
    /// How long [`Harness::send`] waits for the provider to fall idle.
    pub settle_timeout: Duration,
    /// The alias CloudFormation invokes the function through (`None`: unqualified).
    pub qualifier: Option<String>,
    /// The aliases the Invoke API knows; `None`: just `qualifier`.
    pub aliases: Option<Vec<String>>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            function_timeout: Duration::from_secs(30),
            poll_interval: Duration::from_millis(200),
            log_level: "debug".into(),
            extra_env: Vec::new(),
            settle_timeout: Duration::from_secs(90),
            qualifier: None,
            aliases: None,
        }
    }
}

/// One test's world: moto, the provider under a local Lambda, and CloudFormation's side.
pub struct Harness {
    // Declared first so that it drops first: the provider dies before moto does.
    pub lambda: Lambda,
    pub cfn: CloudFormation,
    pub aws: Aws,
    /// The stack every event of this harness belongs to.
    pub stack: Stack,
    pub options: Options,
    pub moto: Moto,
}

impl Harness {
    /// A harness with the default [`Options`].
    pub async fn start() -> Self {
        Self::start_with(Options::default()).await
    }

    pub async fn start_with(options: Options) -> Self {
        let moto = Moto::start().await;
        let aws = Aws::new(&moto.endpoint()).await;
        let cfn = CloudFormation::new(&aws).await;
        let stack = cfn.stack("shop");
        let mut env = vec![
            ("AWS_ENDPOINT_URL".to_owned(), moto.endpoint()),
            (
                "CFCLONE_POLL_INTERVAL_MS".to_owned(),
                options.poll_interval.as_millis().to_string(),
            ),
            ("AWS_LAMBDA_LOG_LEVEL".to_owned(), options.log_level.clone()),
        ];
        env.extend(options.extra_env.iter().cloned());
        let lambda = Lambda::start(LambdaOptions {
            binary: provider_binary(),
            function_name: FUNCTION_NAME.into(),
            region: REGION.into(),
            account: ACCOUNT.into(),
            timeout: options.function_timeout,
            qualifier: options.qualifier.clone(),
            aliases: options
                .aliases
                .clone()
                .unwrap_or_else(|| options.qualifier.iter().cloned().collect()),
            env,
        })
        .await;
        moto.log_provider_calls(iam_calls::Attribution {
            traces: lambda.traced(),
            stack_id: stack.id.clone(),
            function_arn: lambda.function_arn(),
        });
        Self {
            lambda,
            cfn,
            aws,
            stack,
            options,
            moto,
        }
    }

    /// Seeds the reference distribution (with its own certificate for www.example.com).
    pub async fn seed_reference(&self) -> Reference {
        seed::reference(&self.aws).await
    }

    /// Requests an ACM certificate in us-east-1 that moto reports ISSUED.
    pub async fn issue_certificate(&self, domain: &str, sans: &[&str]) -> String {
        seed::certificate(&self.aws, domain, sans).await
    }

    /// A Create event of this harness's stack.
    pub async fn create(&self, logical_id: &str, properties: Value) -> Event {
        self.cfn.create(&self.stack, logical_id, properties).await
    }

    /// An Update event of this harness's stack.
    pub async fn update(
        &self,
        logical_id: &str,
        physical_id: &str,
        properties: Value,
        old_properties: Value,
    ) -> Event {
        self.cfn
            .update(
                &self.stack,
                logical_id,
                physical_id,
                properties,
                old_properties,
            )
            .await
    }

    /// A Delete event of this harness's stack.
    pub async fn delete(&self, logical_id: &str, physical_id: &str, properties: Value) -> Event {
        self.cfn
            .delete(&self.stack, logical_id, physical_id, properties)
            .await
    }

    /// Delivers the event as CloudFormation does (an asynchronous invocation) without
    /// waiting for anything.
    pub fn dispatch(&self, event: &Event) {
        self.lambda.invoke_event(event.body.clone());
    }

    /// Invokes the provider with any payload (an EventBridge event, say), waits until it
    /// has nothing left to do, and returns what the handler returned.
    pub async fn invoke(&self, payload: Value) -> Value {
        let id = self.lambda.invoke_event(payload);
        self.settle().await;
        let invocation = self
            .lambda
            .invocations()
            .into_iter()
            .find(|i| i.id == id)
            .expect("the invocation was queued");
        match invocation.outcome {
            lambda::Outcome::Response(value) => value,
            other => panic!("the invocation ended {other:?}\n{}", self.diagnostics()),
        }
    }

    /// Delivers the event, waits until the function has nothing left to do (every
    /// continuation included), and returns every response the ResponseURL received.
    pub async fn send(&self, event: &Event) -> Responses {
        self.dispatch(event);
        self.settle().await;
        let responses = self.cfn.responses(event).await;
        if responses.all.is_empty() {
            panic!(
                "no response arrived for the {} request {}\n{}",
                event.request_type(),
                event.request_id(),
                self.diagnostics()
            );
        }
        responses
    }

    /// Waits until no invocation is queued or running.
    pub async fn settle(&self) {
        if !self.lambda.wait_idle(self.options.settle_timeout).await {
            panic!(
                "the provider was still busy after {:?}\n{}",
                self.options.settle_timeout,
                self.diagnostics()
            );
        }
    }

    /// Every response received so far for `event`.
    pub async fn responses(&self, event: &Event) -> Responses {
        self.cfn.responses(event).await
    }

    /// Every log line the provider wrote (all processes, in order).
    pub fn logs(&self) -> Vec<String> {
        self.lambda.logs()
    }

    /// How many invocations the provider made of itself (continuations).
    pub fn hand_offs(&self) -> usize {
        self.lambda
            .invocations()
            .iter()
            .filter(|i| i.source == Source::InvokeApi)
            .count()
    }

    /// Waits until the provider has invoked itself at least `n` times; `false` after
    /// `timeout`.
    pub async fn wait_for_hand_offs(&self, n: usize, timeout: Duration) -> bool {
        self.lambda
            .wait_for(timeout, |invocations| {
                invocations
                    .iter()
                    .filter(|i| i.source == Source::InvokeApi)
                    .count()
                    >= n
            })
            .await
    }

    /// Invocations that did not end with the handler's return value (timed out, crashed
    /// or reported an error).
    pub fn abnormal_invocations(&self) -> Vec<Invocation> {
        self.lambda
            .invocations()
            .into_iter()
            .filter(|i| i.outcome.is_finished() && !matches!(i.outcome, Outcome::Response(_)))
            .collect()
    }

    /// The invocations and the provider's last log lines, for failure messages.
    pub fn diagnostics(&self) -> String {
        let mut out = String::from("invocations:\n");
        for i in self.lambda.invocations() {
            out.push_str(&format!("  {} {:?} {:?}\n", i.id, i.source, i.outcome));
        }
        let logs = self.logs();
        out.push_str(&format!(
            "provider logs ({} lines; the last {} follow):\n",
            logs.len(),
            logs.len().min(60)
        ));
        for line in logs.iter().rev().take(60).rev() {
            out.push_str("  ");
            out.push_str(line);
            out.push('\n');
        }
        out
    }
}

/// The minimal properties of a clone: the reference and the aliases.
pub fn props(reference_id: &str, aliases: &[&str]) -> Value {
    json!({
        "ReferenceDistributionId": reference_id,
        "Aliases": aliases,
    })
}

/// Adds `key: value` to an object of properties (values are strings, as CloudFormation
/// sends them).
pub fn with(mut properties: Value, key: &str, value: impl Into<Value>) -> Value {
    properties[key] = value.into();
    properties
}

/// The operator CLI (`cfclone`) of the same build as [`provider_binary`].
pub fn cli_binary() -> PathBuf {
    let provider = provider_binary();
    let cli = provider.with_file_name("cfclone");
    assert!(
        cli.is_file(),
        "the CLI {} is missing: run `cargo build --release --workspace` first",
        cli.display()
    );
    cli
}

/// The `cfclone` CLI `binary` as an operator runs it against `endpoint` in `region`:
/// nothing of this process's environment but `PATH`, test credentials, `poll_ms` between
/// looks at a deploying clone.
pub fn cli_command(
    binary: &Path,
    endpoint: &str,
    region: &str,
    poll_ms: u64,
) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(binary);
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_REGION", region)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("CFCLONE_POLL_INTERVAL_MS", poll_ms.to_string())
        .env("RUST_LOG", "warn");
    command
}

/// What one run of the CLI printed, and its exit status.
#[derive(Debug)]
pub struct CliRun {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl CliRun {
    /// Standard output as JSON (for `--output json`).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", self.stdout, self.stderr))
    }
}

impl Harness {
    /// Runs the `cfclone` CLI against this harness's emulator, as an operator would.
    pub async fn cli(&self, args: &[&str]) -> CliRun {
        let output = cli_command(
            &cli_binary(),
            &self.moto.endpoint(),
            REGION,
            self.options.poll_interval.as_millis() as u64,
        )
        .args(args)
        .output()
        .await
        .expect("the CLI runs");
        CliRun {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

/// The `cfclone-provider` binary the tests run: `CFCLONE_PROVIDER_BIN`, or the release
/// build of this workspace.
pub fn provider_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("CFCLONE_PROVIDER_BIN") {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "CFCLONE_PROVIDER_BIN={} is not a file",
            path.display()
        );
        return path;
    }
    let mut candidates = Vec::new();
    // Next to the running executable: target/release/deps/<test> or target/release/demo.
    if let Ok(exe) = std::env::current_exe()
        && let Some(dir) = exe.parent()
    {
        candidates.push(dir.join("cfclone-provider"));
        if dir.ends_with("deps")
            && let Some(parent) = dir.parent()
        {
            candidates.push(parent.join("cfclone-provider"));
        }
    }
    let workspace = workspace_dir();
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        candidates.push(PathBuf::from(target).join("release/cfclone-provider"));
    }
    candidates.push(workspace.join("target/release/cfclone-provider"));
    let binary = candidates
        .into_iter()
        .find(|c| c.is_file())
        .unwrap_or_else(|| {
            panic!(
                "the provider binary target/release/cfclone-provider is missing: run `cargo build --release` first (or set CFCLONE_PROVIDER_BIN)"
            )
        });
    warn_if_stale(&binary, &workspace.join("provider"));
    binary
}

/// Says so (once) when the provider's sources are newer than the binary under test.
fn warn_if_stale(binary: &std::path::Path, sources: &std::path::Path) {
    static WARNED: std::sync::Once = std::sync::Once::new();
    fn newest(dir: &std::path::Path) -> Option<std::time::SystemTime> {
        let mut latest = None;
        for entry in std::fs::read_dir(dir).ok()?.flatten() {
            let path = entry.path();
            let time = if path.is_dir() {
                newest(&path)
            } else {
                entry.metadata().and_then(|m| m.modified()).ok()
            };
            latest = latest.max(time);
        }
        latest
    }
    WARNED.call_once(|| {
        let built = std::fs::metadata(binary).and_then(|m| m.modified()).ok();
        if let (Some(built), Some(changed)) = (built, newest(sources))
            && changed > built
        {
            eprintln!(
                "warning: {} is older than the sources in {}; run `cargo build --release` to test the current code",
                binary.display(),
                sources.display()
            );
        }
    });
}

/// The workspace root (this crate's parent directory).
pub fn workspace_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits inside the workspace")
        .to_path_buf()
}

/// `len` random lowercase hex digits.
pub fn random_hex(len: usize) -> String {
    let mut out = String::with_capacity(len + 32);
    while out.len() < len {
        out.push_str(&uuid::Uuid::new_v4().simple().to_string());
    }
    out.truncate(len);
    out
}

/// A random UUID, like CloudFormation's RequestIds.
pub fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Polls `check` every 100 ms until it returns `Some`, or `None` after `timeout`.
pub async fn poll_until<T, F, Fut>(timeout: Duration, mut check: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let end = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(value) = check().await {
            return Some(value);
        }
        if tokio::time::Instant::now() >= end {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
