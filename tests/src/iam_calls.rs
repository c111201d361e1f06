//! The AWS calls the provider made in a test, as IAM would see them, for the IAM evaluation
//! (`tests/iam/evaluate.mjs`): written by [`crate::Moto`] on drop to
//! `target/iam-calls/<test binary>.<test>.jsonl`, one call a line.
//!
//! The provider's calls are told from the harness's own (seeding, reading back) by the
//! X-Amzn-Trace-Id header: in a Lambda, the runtime client sets `_X_AMZN_TRACE_ID` for each
//! invocation and the AWS SDK sends it with every call (its recursion-detection
//! interceptor); the harness's clients run outside a Lambda and send none. The trace id
//! names the invocation, and so what the call was made for: the REST front (a proxy event,
//! or a continuation of an API clone's Delete, whose "stack" is the function), a stack's
//! resource (a CloudFormation event) or the automatic sync.

use serde_json::{Value, json};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// One invocation as handed to the provider: its trace header and its payload.
#[derive(Debug, Clone)]
pub struct Traced {
    pub trace_id: String,
    pub payload: Value,
}

/// The invocations handed out so far, shared with the emulator's owner.
pub type TraceLog = Arc<Mutex<Vec<Traced>>>;

/// What the calls of a test are attributed to.
#[derive(Debug, Clone)]
pub struct Attribution {
    pub traces: TraceLog,
    /// The stack the provider belongs to (the harness's).
    pub stack_id: String,
    /// The provider function's unqualified ARN.
    pub function_arn: String,
}

/// What an invocation was for: `rest`, `stack` or `sync`, and the stack whose event it
/// handles (a CloudFormation event's `StackId`).
pub fn front(payload: &Value) -> (&'static str, Option<String>) {
    if payload.get("requestContext").is_some() || payload.get("httpMethod").is_some() {
        return ("rest", None);
    }
    if payload.get("detail-type").is_some() || payload.get("cfcloneSync").is_some() {
        return ("sync", None);
    }
    let event = payload.get("event").unwrap_or(payload);
    match event.get("StackId").and_then(Value::as_str) {
        // The API's requests name the function as their stack (rest::owned).
        Some(id) if id.starts_with("arn:aws:lambda:") => ("rest", None),
        Some(id) => ("stack", Some(id.to_owned())),
        None => ("unknown", None),
    }
}

/// The provider's calls among `calls` (the emulator's `/_cfclone/calls/all`), each with
/// what it was made for.
pub fn provider_calls(calls: &[Value], attribution: &Attribution, test: &str) -> Vec<Value> {
    let traces = attribution
        .traces
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    calls
        .iter()
        .filter_map(|call| {
            let trace = call.get("trace_id").and_then(Value::as_str)?;
            let invocation = traces.iter().find(|t| t.trace_id == trace);
            let (front, stack) = invocation.map_or(("unknown", None), |t| front(&t.payload));
            let mut line = json!({
                "test": test,
                "front": front,
                "stack_id": stack.unwrap_or_else(|| attribution.stack_id.clone()),
                "function_arn": attribution.function_arn,
            });
            for key in [
                "service",
                "operation",
                "status",
                "region",
                "account",
                "trace_id",
                "iam",
            ] {
                line[key] = call.get(key).cloned().unwrap_or(Value::Null);
            }
            Some(line)
        })
        .collect()
}

/// Where the logs go: `target/iam-calls` (`CARGO_TARGET_DIR` when set).
pub fn directory() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::workspace_dir().join("target"))
        .join("iam-calls")
}

/// `<test binary>.<test>` of the running test, when a test is running (libtest names each
/// test's thread after it).
pub fn test_name() -> Option<String> {
    let thread = std::thread::current();
    let name = thread.name().filter(|n| *n != "main")?;
    let binary = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .map(|stem| {
            stem.rsplit_once('-')
                .map_or(stem.clone(), |(b, _)| b.to_owned())
        })
        .unwrap_or_default();
    Some(format!("{binary}.{}", name.replace("::", ".")))
}

/// Writes the provider's calls of `test` (read from the emulator on `port`) to its file.
/// Blocking and without a runtime: it runs in `Drop`.
pub fn write(port: u16, test: &str, attribution: &Attribution) -> std::io::Result<()> {
    let calls: Vec<Value> = serde_json::from_str(&get(port, "/_cfclone/calls/all")?)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
    let lines = provider_calls(&calls, attribution, test);
    let dir = directory();
    std::fs::create_dir_all(&dir)?;
    let mut text = String::new();
    for line in &lines {
        text.push_str(&line.to_string());
        text.push('\n');
    }
    std::fs::write(dir.join(format!("{test}.jsonl")), text)
}

/// The body of `GET path` on the emulator, over a plain socket.
fn get(port: u16, path: &str) -> std::io::Result<String> {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(20)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer)?;
    let text = String::from_utf8_lossy(&answer);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    if !head.starts_with("HTTP/1.1 200") && !head.starts_with("HTTP/1.0 200") {
        return Err(std::io::Error::other(format!("{path}: {head}")));
    }
    Ok(body.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attribution(traces: Vec<Traced>) -> Attribution {
        Attribution {
            traces: Arc::new(Mutex::new(traces)),
            stack_id: "arn:aws:cloudformation:eu-west-1:123456789012:stack/shop/1".into(),
            function_arn: "arn:aws:lambda:eu-west-1:123456789012:function:cfclone-provider".into(),
        }
    }

    #[test]
    fn a_proxy_event_and_a_continuation_of_an_api_clone_are_the_rest_front() {
        assert_eq!(
            front(&json!({"httpMethod": "PATCH", "requestContext": {}})).0,
            "rest"
        );
        let continuation = json!({"cfcloneContinuation": {}, "event": {
            "StackId": "arn:aws:lambda:eu-west-1:123456789012:function:cfclone-provider"}});
        assert_eq!(front(&continuation), ("rest", None));
    }

    #[test]
    fn a_cloudformation_event_is_its_stacks_and_a_trigger_is_the_sync() {
        let stack = "arn:aws:cloudformation:eu-west-1:123456789012:stack/other/2";
        assert_eq!(
            front(&json!({"RequestType": "Create", "StackId": stack})),
            ("stack", Some(stack.to_owned()))
        );
        assert_eq!(
            front(&json!({"detail-type": "AWS API Call via CloudTrail"})).0,
            "sync"
        );
    }

    #[test]
    fn only_calls_with_a_trace_id_are_the_providers_each_with_its_invocations_front() {
        let traced = Traced {
            trace_id: "Root=1-a-b;Parent=c;Sampled=0".into(),
            payload: json!({"httpMethod": "DELETE"}),
        };
        let calls = vec![
            json!({"service": "cloudfront", "operation": "GetDistribution", "trace_id": null}),
            json!({"service": "cloudfront", "operation": "DeleteDistribution", "status": 200,
                   "trace_id": "Root=1-a-b;Parent=c;Sampled=0", "iam": {"actions": []}}),
        ];
        let lines = provider_calls(&calls, &attribution(vec![traced]), "rest.t");
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0]["operation"], "DeleteDistribution");
        assert_eq!(lines[0]["front"], "rest");
        assert_eq!(
            lines[0]["stack_id"],
            "arn:aws:cloudformation:eu-west-1:123456789012:stack/shop/1"
        );
    }
}
