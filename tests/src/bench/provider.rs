//! One `cfclone-provider` process under its own local Lambda ([`crate::lambda`]), answering
//! CloudFormation at the run's ResponseURL ([`crate::response_url`]).

use super::results::ColdRun;
use super::{Bench, FUNCTION, REGION};
use crate::lambda::{Lambda, LambdaOptions, Outcome, Process};
use crate::procfs;
use serde_json::Value;
use std::time::{Duration, Instant};

/// The function timeout when a measurement does not name one (Lambda's longest).
pub const TIMEOUT: Duration = Duration::from_secs(900);

/// One event's way through the provider.
#[derive(Debug, Clone)]
pub struct Handled {
    /// When the Runtime API handed it out.
    pub handed_out: Instant,
    /// When the ResponseURL PUT arrived.
    pub answered: Instant,
    /// The response CloudFormation received.
    pub body: Value,
    /// The process's CPU time when the PUT arrived.
    pub cpu: Option<Duration>,
}

impl Handled {
    pub fn seconds(&self) -> f64 {
        (self.answered - self.handed_out).as_secs_f64()
    }

    pub fn status(&self) -> &str {
        self.body["Status"].as_str().unwrap_or_default()
    }

    pub fn reason(&self) -> Option<String> {
        self.body["Reason"].as_str().map(str::to_owned)
    }

    /// The body, or an error naming `what` unless the provider answered SUCCESS.
    pub fn success(self, what: &str) -> Result<Value, String> {
        if self.status() == "SUCCESS" {
            Ok(self.body)
        } else {
            Err(format!(
                "{what}: the provider answered {}: {}",
                self.status(),
                self.reason().unwrap_or_default()
            ))
        }
    }
}

/// The provider under its own Runtime API: no process until [`Provider::spawn`], so that
/// a cold start finds its event waiting.
pub struct Provider {
    pub lambda: Lambda,
    name: String,
    logs: std::path::PathBuf,
}

impl Provider {
    /// `endpoint` is the provider's `AWS_ENDPOINT_URL`; `env` adds to its environment.
    pub async fn new(
        bench: &Bench,
        name: &str,
        endpoint: &str,
        env: &[(&str, &str)],
        timeout: Duration,
    ) -> Self {
        let mut all = vec![("AWS_ENDPOINT_URL".to_owned(), endpoint.to_owned())];
        all.extend(env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
        all.extend(bench.config.provider_env.iter().cloned());
        let lambda = Lambda::serve(LambdaOptions {
            binary: bench.config.binary.clone(),
            function_name: FUNCTION.into(),
            region: REGION.into(),
            account: super::ACCOUNT.into(),
            timeout,
            qualifier: None,
            aliases: Vec::new(),
            env: all,
        })
        .await;
        Self {
            lambda,
            name: name.to_owned(),
            logs: bench.config.logs.clone(),
        }
    }

    /// A provider process already started and waiting for events.
    pub async fn warm(bench: &Bench, name: &str, endpoint: &str, env: &[(&str, &str)]) -> Self {
        let provider = Self::new(bench, name, endpoint, env, TIMEOUT).await;
        provider.spawn();
        provider
    }

    pub fn spawn(&self) {
        self.lambda.spawn();
    }

    pub fn pid(&self) -> Option<u32> {
        self.lambda.pid()
    }

    /// The first process started.
    pub fn process(&self) -> Option<Process> {
        self.lambda.processes().into_iter().next()
    }

    /// Waits for the answer to `request_id` (an event queued before), and for the
    /// invocation to end.
    pub async fn answer(
        &self,
        bench: &Bench,
        request_id: &str,
        timeout: Duration,
    ) -> Result<Handled, String> {
        let answer = bench.responses.wait(request_id, timeout).await;
        let cpu = self.pid().and_then(procfs::cpu_time);
        let Some(answer) = answer else {
            return Err(format!("{}: no answer within {timeout:?}", self.name));
        };
        let done = self
            .lambda
            .wait_for(Duration::from_secs(30), |all| {
                all.iter().all(|i| i.outcome.is_finished())
            })
            .await;
        let invocation = self
            .lambda
            .invocations()
            .into_iter()
            .rev()
            .find(|i| i.payload["RequestId"].as_str() == Some(request_id));
        let handed_out = invocation.as_ref().and_then(|i| i.handed_out);
        match (done, invocation, handed_out) {
            (true, Some(i), Some(handed_out)) if matches!(i.outcome, Outcome::Response(_)) => {
                Ok(Handled {
                    handed_out,
                    answered: answer.at,
                    body: answer.body,
                    cpu,
                })
            }
            (_, i, _) => Err(format!(
                "{}: the invocation did not end well: {:?}",
                self.name,
                i.map(|i| i.outcome)
            )),
        }
    }

    /// Sends one event and waits for its answer.
    pub async fn handle(
        &self,
        bench: &Bench,
        (request_id, event): (String, Value),
    ) -> Result<Handled, String> {
        self.lambda.invoke_event(event);
        self.answer(bench, &request_id, Duration::from_secs(180))
            .await
    }

    /// Writes what the processes logged to `<logs>/provider-<name>.log`; the process ends
    /// when the provider is dropped.
    pub fn keep_logs(&self) {
        let text: String = self
            .lambda
            .logs()
            .iter()
            .map(|l| format!("{l}\n"))
            .collect();
        let _ = std::fs::write(self.logs.join(format!("provider-{}.log", self.name)), text);
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        self.keep_logs();
    }
}

/// One cold Create: a fresh process with the event already waiting, as in Lambda.
pub async fn cold_run(bench: &Bench, name: &str, env: &[(&str, &str)]) -> Result<ColdRun, String> {
    let provider = Provider::new(bench, name, &bench.moto.endpoint(), env, TIMEOUT).await;
    let (request_id, event) = bench.create();
    provider.lambda.invoke_event(event);
    provider.spawn();
    let handled = provider
        .answer(bench, &request_id, Duration::from_secs(120))
        .await?;
    let process = provider.process().ok_or("no process was started")?;
    let peak = provider
        .pid()
        .and_then(|pid| procfs::status_kb(pid, "VmHWM"));
    let run = ColdRun {
        total_s: (handled.answered - process.started).as_secs_f64(),
        init_s: (process.first_next.unwrap_or(handled.answered) - process.started).as_secs_f64(),
        handler_s: handled.seconds(),
        peak_rss_kb: peak.map(|kb| kb as f64),
        cpu_s: handled.cpu.map(|c| c.as_secs_f64()),
        init_cpu_s: process.first_next_cpu.map(|c| c.as_secs_f64()),
    };
    handled.success(&format!("cold Create ({name})"))?;
    Ok(run)
}
