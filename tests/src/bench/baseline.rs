//! The baseline (the original boto3 Lambda) in fresh Python processes:
//! `bench/baseline_child.py`, its own runtime, which prints one JSON line of measurements
//! (`cold`, `warm`, `match`) or serves events from stdin (`serve`).

use super::results::{ColdRun, Matching, WarmSide};
use super::{Bench, REGION};
use crate::procfs::monotonic_s;
use serde_json::Value;
use std::process::Stdio;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

fn command(bench: &Bench, endpoint: &str, mode: &str, arg: &str, name: &str) -> Command {
    let mut command = Command::new(crate::moto::venv().join("bin/python"));
    command
        .arg(crate::workspace_dir().join("bench/baseline_child.py"))
        .arg(&bench.config.baseline)
        .args([mode, arg])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("SEED_ENDPOINT_URL", endpoint)
        .env("AWS_REGION", REGION)
        .env("AWS_DEFAULT_REGION", REGION)
        .env("AWS_LAMBDA_FUNCTION_NAME", "seed-clone-baseline")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_SESSION_TOKEN", "testing")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(
            std::fs::File::create(bench.config.logs.join(format!("baseline-{name}.log")))
                .map_or_else(|_| Stdio::null(), Stdio::from),
        )
        .kill_on_drop(true);
    command
}

/// Runs the child to its end: (CLOCK_MONOTONIC just before it started, its JSON line).
pub async fn run(
    bench: &Bench,
    endpoint: &str,
    mode: &str,
    arg: &str,
    name: &str,
) -> Result<(f64, Value), String> {
    let mut command = command(bench, endpoint, mode, arg, name);
    let started = monotonic_s();
    let out = command
        .output()
        .await
        .map_err(|e| format!("cannot start the baseline: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().last().unwrap_or_default();
    match serde_json::from_str(line) {
        Ok(value) if out.status.success() => Ok((started, value)),
        _ => Err(format!(
            "the baseline ({mode}) failed ({}); see {}/baseline-{name}.log",
            out.status,
            bench.config.logs.display()
        )),
    }
}

/// `lambda_handler`'s result in the child's line.
pub fn succeeded(result: &Value) -> bool {
    result["statusCode"].as_i64() == Some(200)
}

/// One cold Create in a fresh process: the measurements and `lambda_handler`'s result.
pub async fn cold(
    bench: &Bench,
    endpoint: &str,
    event: &Value,
    name: &str,
) -> Result<(ColdRun, Value), String> {
    let (started, out) = run(bench, endpoint, "cold", &event.to_string(), name).await?;
    let at = |key: &str| out[key].as_f64().unwrap_or(f64::NAN);
    let run = ColdRun {
        total_s: at("done") - started,
        init_s: at("imported") - started,
        handler_s: at("done") - at("imported"),
        peak_rss_kb: out["peak_rss_kb"].as_f64(),
        cpu_s: out["cpu_s"].as_f64(),
        init_cpu_s: out["imported_cpu_s"].as_f64(),
    };
    Ok((run, out["result"].clone()))
}

/// One process, one warm-up call, then `count` timed calls, each with a fresh alias
/// (`{n}` in the domain).
pub async fn warm(
    bench: &Bench,
    endpoint: &str,
    tag: &str,
    count: usize,
) -> Result<WarmSide, String> {
    let event = bench.baseline_event(Some(&format!("shop-warm-{tag}-{{n}}.example.com")));
    let arg = format!("{event}:{count}");
    let (_, out) = run(bench, endpoint, "warm", &arg, &format!("warm-{tag}")).await?;
    let times = out["times"]
        .as_array()
        .map(|t| t.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default();
    Ok(WarmSide {
        times,
        cpu_s: out["cpu_s"].as_f64().unwrap_or(f64::NAN),
    })
}

/// The baseline's own certificate matching over 10,000 in-memory summaries.
pub async fn matching(bench: &Bench) -> Result<Matching, String> {
    let (_, out) = run(bench, "http://127.0.0.1:9", "match", "10000", "match").await?;
    Ok(Matching {
        lookup_s: out["lookup_s"].as_f64().unwrap_or(f64::NAN),
        build_and_lookup_s: out["build_and_lookup_s"].as_f64().unwrap_or(f64::NAN),
    })
}

/// A warm baseline process that handles one event at a time (`serve`), so that its
/// events can be interleaved with the provider's.
pub struct Server {
    child: Child,
    stdin: ChildStdin,
    stdout: Lines<BufReader<ChildStdout>>,
}

impl Server {
    pub async fn start(bench: &Bench, endpoint: &str, name: &str) -> Result<Self, String> {
        let mut command = command(bench, endpoint, "serve", "-", name);
        command.stdin(Stdio::piped());
        let mut child = command
            .spawn()
            .map_err(|e| format!("cannot start the baseline: {e}"))?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let mut stdout = BufReader::new(child.stdout.take().ok_or("no stdout")?).lines();
        match stdout.next_line().await {
            Ok(Some(_ready)) => Ok(Self {
                child,
                stdin,
                stdout,
            }),
            _ => Err(format!(
                "the baseline (serve) did not start; see baseline-{name}.log"
            )),
        }
    }

    /// (seconds inside `lambda_handler`, its result).
    pub async fn call(&mut self, event: &Value) -> Result<(f64, Value), String> {
        let line = format!("{event}\n");
        self.stdin
            .write_all(line.as_bytes())
            .await
            .map_err(|e| format!("the baseline (serve) went away: {e}"))?;
        self.stdin.flush().await.map_err(|e| e.to_string())?;
        let answer = self.stdout.next_line().await.map_err(|e| e.to_string())?;
        let out: Value = serde_json::from_str(&answer.unwrap_or_default())
            .map_err(|e| format!("the baseline (serve) answered no JSON: {e}"))?;
        Ok((out["s"].as_f64().unwrap_or(f64::NAN), out["result"].clone()))
    }

    /// Closes its stdin and waits for it to end.
    pub async fn stop(mut self) {
        drop(self.stdin);
        let wait = self.child.wait();
        if tokio::time::timeout(std::time::Duration::from_secs(10), wait)
            .await
            .is_err()
        {
            let _ = self.child.kill().await;
        }
    }
}
