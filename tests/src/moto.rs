//! The strict emulator (`emulator/server.py`: moto in server mode with the project's
//! patches, which make it answer as AWS does where stock moto is lenient): one process per
//! test on a free loopback port, with its fault injection, latency and call log.

use serde::Deserialize;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// How moto moves a CloudFront distribution from `InProgress` to `Deployed`
/// (its state manager, model `cloudfront::distribution`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progression {
    /// `Deployed` at the first look.
    Immediate,
    /// `Deployed` once the distribution has been read (get, get-config, update, list)
    /// this many times since it was made. moto's default is `Manual(1)`.
    Manual(u32),
    /// Stays `InProgress` until the progression is changed.
    Never,
    /// `Deployed` this long (whole seconds) after it was made or last changed.
    After(Duration),
}

/// An error to answer instead of the real one, in the service's own wire shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// SigV4 service name: `cloudfront`, `acm`, `ssm`, `lambda`, `s3`.
    pub service: &'static str,
    /// The operation (`UpdateDistribution`); `None`: every operation of the service.
    pub operation: Option<&'static str>,
    pub code: &'static str,
    /// HTTP status; `None`: the emulator's default for the code.
    pub status: Option<u16>,
    pub message: Option<String>,
    /// How many matching calls it answers.
    pub count: u32,
}

impl Fault {
    /// `count` calls of `service`'s `operation` answered with `code`.
    pub fn new(
        service: &'static str,
        operation: &'static str,
        code: &'static str,
        count: u32,
    ) -> Self {
        Self {
            service,
            operation: Some(operation),
            code,
            status: None,
            message: None,
            count,
        }
    }

    pub fn status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }
}

/// One AWS call the emulator answered.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Call {
    pub service: String,
    pub operation: String,
    pub status: u16,
}

/// A running emulator, killed on drop. Started in a test whose provider's calls are
/// attributed ([`Moto::log_provider_calls`]), it first writes them for the IAM evaluation
/// (`target/iam-calls/<test binary>.<test>.jsonl`, see [`crate::iam_calls`]).
pub struct Moto {
    child: Child,
    port: u16,
    /// The running test, when one started it.
    test: Option<String>,
    iam: std::sync::Mutex<Option<crate::iam_calls::Attribution>>,
    /// Where the emulator writes each refusal and each request it could not check
    /// (`CFCLONE_VALIDATION_LOG`), one JSON line each.
    validation_log: PathBuf,
}

impl Moto {
    /// Starts moto on a free port and waits until it answers. The virtual environment is
    /// `<workspace>/.venv` unless `CFCLONE_VENV` names another.
    pub async fn start() -> Self {
        Self::start_with_log(None).await
    }

    /// As [`Moto::start`], with the emulator's output appended to `log` (when given).
    pub async fn start_with_log(log: Option<&std::path::Path>) -> Self {
        let python = venv().join("bin/python");
        let server = crate::workspace_dir().join("emulator/server.py");
        assert!(
            python.is_file(),
            "{} is missing: run `make setup` (or scripts/setup) to install moto[server] into .venv, or set CFCLONE_VENV",
            python.display()
        );
        let http = reqwest::Client::new();
        let mut last_error = String::new();
        for _ in 0..4 {
            let port = free_port();
            let validation_log = std::env::temp_dir().join(format!(
                "cfclone-validation-{}-{port}.jsonl",
                std::process::id()
            ));
            let _ = std::fs::remove_file(&validation_log);
            let mut child = Command::new(&python)
                .arg(&server)
                .args(["--port", &port.to_string()])
                .env("CFCLONE_VALIDATION_LOG", &validation_log)
                // Requested certificates are ISSUED at once instead of after 60 s.
                .env("MOTO_ACM_VALIDATION_WAIT", "0")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(match log {
                    Some(path) => std::fs::OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(path)
                        .map_or_else(|_| Stdio::null(), Stdio::from),
                    None if std::env::var_os("CFCLONE_E2E_MOTO_LOGS").is_some() => Stdio::inherit(),
                    None => Stdio::null(),
                })
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", server.display()));
            let url = format!("http://127.0.0.1:{port}/moto-api/");
            for _ in 0..300 {
                if let Ok(Some(status)) = child.try_wait() {
                    last_error = format!("moto exited with {status} on port {port}");
                    break;
                }
                if http.get(&url).send().await.is_ok() {
                    return Self {
                        child,
                        port,
                        test: crate::iam_calls::test_name(),
                        iam: std::sync::Mutex::new(None),
                        validation_log,
                    };
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            if last_error.is_empty() {
                last_error = format!("moto did not answer on port {port} within 15 s");
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("{last_error}");
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT`, for `AWS_ENDPOINT_URL`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    async fn control(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request =
            reqwest::Client::new().request(method, format!("{}{path}", self.endpoint()));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request
            .send()
            .await
            .expect("the emulator's control API answers");
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        assert!(status.is_success(), "{path} answered {status}: {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// The requests refused so far as breaking botocore's model of their operation (one
    /// JSON line each), forgotten: a test that sends such a request on purpose takes them,
    /// so that dropping the emulator does not fail it.
    pub fn take_refusals(&self) -> Vec<String> {
        let log = std::fs::read_to_string(&self.validation_log).unwrap_or_default();
        let _ = std::fs::write(&self.validation_log, "");
        log.lines()
            .filter(|line| line.contains(r#""validation": "refused""#))
            .map(str::to_owned)
            .collect()
    }

    /// The next `fault.count` matching calls are answered with the fault.
    pub async fn inject(&self, fault: Fault) {
        let mut body = json!({"service": fault.service, "code": fault.code, "count": fault.count});
        if let Some(operation) = fault.operation {
            body["operation"] = operation.into();
        }
        if let Some(status) = fault.status {
            body["status"] = status.into();
        }
        if let Some(message) = &fault.message {
            body["message"] = message.clone().into();
        }
        self.control(reqwest::Method::POST, "/_cfclone/faults", Some(body))
            .await;
    }

    /// `service`'s calls (`operation`'s only, when given) answered `Throttling` beyond `rate`
    /// a second: a token bucket holding `burst` calls, until cleared.
    pub async fn throttle_rate(
        &self,
        service: &str,
        operation: Option<&str>,
        code: &str,
        (rate, burst): (f64, f64),
    ) {
        let mut body = json!({"service": service, "code": code, "rate": rate, "burst": burst});
        if let Some(operation) = operation {
            body["operation"] = operation.into();
        }
        self.control(reqwest::Method::POST, "/_cfclone/faults", Some(body))
            .await;
    }

    /// Clears every fault still armed.
    pub async fn clear_faults(&self) {
        self.control(reqwest::Method::DELETE, "/_cfclone/faults", None)
            .await;
    }

    /// How many faulty answers the armed faults have left to give (their counts summed).
    pub async fn faults_left(&self) -> u64 {
        let value = self
            .control(reqwest::Method::GET, "/_cfclone/faults", None)
            .await;
        value
            .as_array()
            .map(|faults| faults.iter().filter_map(|f| f["count"].as_u64()).sum())
            .unwrap_or(0)
    }

    /// A fixed delay before every AWS call is answered (0 turns it off).
    pub async fn set_latency(&self, latency: Duration) {
        self.control(
            reqwest::Method::POST,
            "/_cfclone/latency",
            Some(json!({"ms": latency.as_millis() as u64})),
        )
        .await;
    }

    /// Every AWS call answered so far, in order.
    pub async fn calls(&self) -> Vec<Call> {
        let value = self
            .control(reqwest::Method::GET, "/_cfclone/calls", None)
            .await;
        serde_json::from_value(value).expect("a list of calls")
    }

    /// The operations of every AWS call answered so far, sorted (calls made together
    /// answer in any order).
    pub async fn operations(&self) -> Vec<String> {
        let mut operations: Vec<String> = self
            .calls()
            .await
            .into_iter()
            .map(|c| c.operation)
            .collect();
        operations.sort();
        operations
    }

    /// The HTTP statuses answered to `operation` so far, in order.
    pub async fn statuses(&self, operation: &str) -> Vec<u16> {
        self.calls()
            .await
            .into_iter()
            .filter(|c| c.operation == operation)
            .map(|c| c.status)
            .collect()
    }

    /// Forgets the calls answered so far (e.g. the seeding's).
    pub async fn clear_calls(&self) {
        self.control(reqwest::Method::DELETE, "/_cfclone/calls", None)
            .await;
    }

    /// How many calls of `operation` were answered so far.
    pub async fn count(&self, operation: &str) -> usize {
        self.calls()
            .await
            .iter()
            .filter(|c| c.operation == operation)
            .count()
    }

    /// ACM's DNS validation knobs (`timeout_s`, `caa`, `record_after`, `quota`, `reset`;
    /// see emulator/cfclone_emulator/acm_validation.py).
    pub async fn set_validation(&self, settings: Value) {
        self.control(
            reqwest::Method::POST,
            "/_cfclone/acm/validation",
            Some(settings),
        )
        .await;
    }

    /// Marks an ACM certificate as ACM would describe a private-CA (`PRIVATE`), imported
    /// (`IMPORTED`) or CloudFront-managed (`managed_by: CLOUDFRONT`) one.
    pub async fn set_certificate_kind(&self, arn: &str, kind: &str, managed_by: Option<&str>) {
        let mut body = json!({"arn": arn, "type": kind});
        if let Some(managed_by) = managed_by {
            body["managed_by"] = managed_by.into();
        }
        self.control(
            reqwest::Method::POST,
            "/_cfclone/acm/certificate",
            Some(body),
        )
        .await;
    }

    /// A distribution tenant (moto has none) with the id `id`, holding `domains` in
    /// `account`: what ListDomainConflicts reports (emulator/cfclone_emulator/
    /// cloudfront_aliases.py, `POST /_cfclone/cloudfront/tenant`).
    pub async fn add_tenant(&self, id: &str, domains: &[&str], account: &str) {
        self.control(
            reqwest::Method::POST,
            "/_cfclone/cloudfront/tenant",
            Some(json!({"id": id, "domains": domains, "account": account})),
        )
        .await;
    }

    /// Puts a stack the emulator holds (made with CreateStack) into `status`, one of
    /// CloudFormation's `StackStatus` (emulator/cfclone_emulator/cloudformation.py).
    pub async fn set_stack_status(&self, stack_id: &str, status: &str) {
        self.control(
            reqwest::Method::POST,
            "/_cfclone/cloudformation/stack-status",
            Some(json!({"stack_id": stack_id, "status": status})),
        )
        .await;
    }

    /// Gives distribution `id` configuration members this build's SDK does not know
    /// (`xml`, put before the first `before` closing tag of its DistributionConfig in
    /// GetDistribution and GetDistributionConfig answers), as CloudFront answers a member
    /// added after this build; an UpdateDistribution drops them
    /// (emulator/cfclone_emulator/cloudfront_members.py).
    pub async fn set_unknown_members(&self, id: &str, xml: &str, before: &str) {
        self.control(
            reqwest::Method::POST,
            "/_cfclone/cloudfront/unknown-members",
            Some(json!({"distribution_id": id, "xml": xml, "before": before})),
        )
        .await;
    }

    /// ListCertificates answers pages of at most `page` summaries, each with at most
    /// `sans` names (ACM's own: 1000 and 100), so that a test reaches paging and
    /// cut-short summaries with a few certificates.
    pub async fn set_acm_limits(&self, page: u32, sans: u32) {
        self.control(
            reqwest::Method::POST,
            "/_cfclone/acm/limits",
            Some(json!({"page": page, "sans": sans})),
        )
        .await;
    }

    /// Sets how distributions progress from `InProgress` to `Deployed`. It applies to
    /// every distribution at its next status read.
    pub async fn set_distribution_progression(&self, progression: Progression) {
        let transition = match progression {
            Progression::Immediate => json!({"progression": "immediate"}),
            Progression::Manual(times) => json!({"progression": "manual", "times": times}),
            Progression::Never => json!({"progression": "manual", "times": u32::MAX}),
            Progression::After(d) => json!({"progression": "time", "seconds": d.as_secs()}),
        };
        let response = reqwest::Client::new()
            .post(format!(
                "{}/moto-api/state-manager/set-transition",
                self.endpoint()
            ))
            .json(&json!({"model_name": "cloudfront::distribution", "transition": transition}))
            .send()
            .await
            .expect("moto's state manager answers");
        assert!(
            response.status().is_success(),
            "set-transition answered {}",
            response.status()
        );
    }
}

impl Moto {
    /// Puts moto's own distribution progression back (its state manager's default).
    pub async fn reset_distribution_progression(&self) {
        let response = reqwest::Client::new()
            .post(format!(
                "{}/moto-api/state-manager/unset-transition",
                self.endpoint()
            ))
            .json(&json!({"model_name": "cloudfront::distribution"}))
            .send()
            .await
            .expect("moto's state manager answers");
        assert!(
            response.status().is_success(),
            "unset-transition answered {}",
            response.status()
        );
    }
}

impl Moto {
    /// On drop, writes the calls the provider made (those carrying one of `attribution`'s
    /// trace ids) for the IAM evaluation.
    pub fn log_provider_calls(&self, attribution: crate::iam_calls::Attribution) {
        *self.iam.lock().unwrap_or_else(|e| e.into_inner()) = Some(attribution);
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let attribution = self.iam.lock().map(|mut a| a.take()).unwrap_or(None);
        if let (Some(test), Some(attribution)) = (&self.test, attribution)
            && let Err(e) = crate::iam_calls::write(self.port, test, &attribution)
        {
            eprintln!("cfclone-e2e: the IAM call log of {test} was not written: {e}");
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let log = std::fs::read_to_string(&self.validation_log).unwrap_or_default();
        let _ = std::fs::remove_file(&self.validation_log);
        let (refused, unchecked): (Vec<&str>, Vec<&str>) = log
            .lines()
            .partition(|line| line.contains(r#""validation": "refused""#));
        for line in unchecked {
            eprintln!("emulator: a request not checked against botocore's models: {line}");
        }
        if !refused.is_empty() && !std::thread::panicking() {
            panic!(
                "the emulator refused requests that break botocore's model of their operation, \
                 as AWS would:\n{}",
                refused.join("\n")
            );
        }
    }
}

/// The virtual environment holding moto: `CFCLONE_VENV` or `<workspace>/.venv`.
pub fn venv() -> PathBuf {
    std::env::var_os("CFCLONE_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::workspace_dir().join(".venv"))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}
