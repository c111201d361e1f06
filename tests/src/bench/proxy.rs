//! A proxy in front of the emulator: it times every call (which calls were in flight
//! together, when a call was made), keeps the emulator's answers and can replay them
//! without asking it (a stand-in for AWS that costs almost nothing, so that what is left
//! of the warm time is each side's own work), and can take the SANs out of ACM's summaries
//! (moto's own shape).

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{HeaderMap, Method, StatusCode};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;
use tokio::task::JoinHandle;

/// What the proxy does with a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// To the emulator and back.
    Forward,
    /// As `Forward`, keeping the last answer to each operation.
    Record,
    /// The kept answer, without asking the emulator.
    Replay,
    /// As `Forward`, with `ListCertificates` summaries stripped of their SANs.
    StripSans,
}

/// One call: when the proxy got it, when it answered, the operation.
#[derive(Debug, Clone)]
pub struct Span {
    pub sent: Instant,
    pub answered: Instant,
    pub operation: String,
}

type Answer = (StatusCode, Vec<(String, String)>, Bytes);

struct State {
    mode: Mode,
    spans: Vec<Span>,
    recorded: HashMap<String, Answer>,
}

pub struct Proxy {
    state: Arc<Mutex<State>>,
    port: u16,
    server: JoinHandle<()>,
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|e| e.into_inner())
}

impl Proxy {
    pub async fn start(upstream_port: u16) -> Self {
        let state = Arc::new(Mutex::new(State {
            mode: Mode::Forward,
            spans: Vec::new(),
            recorded: HashMap::new(),
        }));
        let shared = Arc::clone(&state);
        let client = reqwest::Client::new();
        let (address, server) = crate::http::serve(move |request| {
            let (state, client) = (Arc::clone(&shared), client.clone());
            async move {
                let sent = Instant::now();
                let (parts, body) = request.into_parts();
                let body = body
                    .collect()
                    .await
                    .map(|b| b.to_bytes())
                    .unwrap_or_default();
                let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
                let operation = operation(&parts.method, path, &parts.headers);
                let mode = lock(&state).mode;
                let (status, headers, data) = if mode == Mode::Replay {
                    let kept = lock(&state).recorded.get(&operation).cloned();
                    kept.unwrap_or_else(|| {
                        let text = format!("nothing recorded for {operation}");
                        (StatusCode::BAD_GATEWAY, Vec::new(), Bytes::from(text))
                    })
                } else {
                    let url = format!("http://127.0.0.1:{upstream_port}{path}");
                    let answer = forward(&client, parts.method, &url, parts.headers, body).await;
                    let answer = if mode == Mode::StripSans && operation == "ListCertificates" {
                        strip_sans(answer)
                    } else {
                        answer
                    };
                    if mode == Mode::Record {
                        lock(&state)
                            .recorded
                            .insert(operation.clone(), answer.clone());
                    }
                    answer
                };
                let answered = Instant::now();
                lock(&state).spans.push(Span {
                    sent,
                    answered,
                    operation,
                });
                let mut response = hyper::Response::builder().status(status);
                for (k, v) in &headers {
                    response = response.header(k, v);
                }
                response.body(Full::new(data)).expect("a response")
            }
        })
        .await;
        Self {
            state,
            port: address.port(),
            server,
        }
    }

    /// `http://127.0.0.1:PORT`, for `AWS_ENDPOINT_URL`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Switches modes; `Record` forgets what was recorded before.
    pub fn set_mode(&self, mode: Mode) {
        let mut state = lock(&self.state);
        if mode == Mode::Record {
            state.recorded.clear();
        }
        state.mode = mode;
    }

    /// The calls since the last take, in the order answered.
    pub fn take_spans(&self) -> Vec<Span> {
        std::mem::take(&mut lock(&self.state).spans)
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn forward(
    client: &reqwest::Client,
    method: Method,
    url: &str,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let mut request = client.request(method, url).body(body);
    for (k, v) in &headers {
        if !matches!(k.as_str(), "connection" | "keep-alive" | "content-length") {
            request = request.header(k, v);
        }
    }
    match request.send().await {
        Ok(response) => {
            let status = response.status();
            let skip = [
                "content-length",
                "transfer-encoding",
                "connection",
                "keep-alive",
                "date",
                "server",
            ];
            let headers = response
                .headers()
                .iter()
                .filter(|(k, _)| !skip.contains(&k.as_str()))
                .filter_map(|(k, v)| Some((k.to_string(), v.to_str().ok()?.to_owned())))
                .collect();
            let data = response.bytes().await.unwrap_or_default();
            (status, headers, data)
        }
        Err(e) => (
            StatusCode::BAD_GATEWAY,
            Vec::new(),
            Bytes::from(format!("the emulator did not answer: {e}")),
        ),
    }
}

fn strip_sans((status, headers, data): Answer) -> Answer {
    if status != StatusCode::OK {
        return (status, headers, data);
    }
    let Ok(mut listed) = serde_json::from_slice::<serde_json::Value>(&data) else {
        return (status, headers, data);
    };
    if let Some(list) = listed["CertificateSummaryList"].as_array_mut() {
        for summary in list.iter_mut().filter_map(|s| s.as_object_mut()) {
            summary.remove("SubjectAlternativeNameSummaries");
            summary.remove("HasAdditionalSubjectAlternativeNames");
        }
    }
    (status, headers, Bytes::from(listed.to_string()))
}

/// The API operation of a request: from `X-Amz-Target` (ACM, SSM), else CloudFront's
/// method and path.
pub fn operation(method: &Method, path: &str, headers: &HeaderMap) -> String {
    if let Some(target) = headers.get("x-amz-target").and_then(|v| v.to_str().ok()) {
        return target
            .split_once('.')
            .map_or(target, |(_, op)| op)
            .to_owned();
    }
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let has = |key: &str| query.split('&').any(|kv| kv.split('=').next() == Some(key));
    let named = match (method.as_str(), parts.as_slice()) {
        ("POST", ["2020-05-31", "distribution"]) if has("WithTags") => "CreateDistributionWithTags",
        ("POST", ["2020-05-31", "distribution"]) => "CreateDistribution",
        ("GET", ["2020-05-31", "distribution"]) => "ListDistributions",
        ("GET", ["2020-05-31", "distribution", _]) => "GetDistribution",
        ("DELETE", ["2020-05-31", "distribution", _]) => "DeleteDistribution",
        ("GET", ["2020-05-31", "distribution", _, "config"]) => "GetDistributionConfig",
        ("PUT", ["2020-05-31", "distribution", _, "config"]) => "UpdateDistribution",
        ("GET", ["2020-05-31", "tagging"]) => "ListTagsForResource",
        ("GET", ["2020-05-31", "conflicting-alias"]) => "ListConflictingAliases",
        ("POST", ["2020-05-31", "domain-conflicts"]) => "ListDomainConflicts",
        ("POST", ["2020-05-31", "tagging"]) if query.contains("Operation=Tag") => "TagResource",
        ("POST", ["2020-05-31", "tagging"]) => "UntagResource",
        _ => "",
    };
    if named.is_empty() {
        format!("{method} {path}")
    } else {
        named.to_owned()
    }
}

/// The calls of one event as rounds of round trips: a call is in the round after the
/// latest call answered before it was sent (within 5 ms); calls of one round were in
/// flight together.
pub fn rounds(spans: &[Span]) -> Vec<Vec<String>> {
    let tolerance = std::time::Duration::from_millis(5);
    let mut spans = spans.to_vec();
    spans.sort_by_key(|s| s.sent);
    let mut depth: Vec<usize> = Vec::new();
    for (i, span) in spans.iter().enumerate() {
        let before = (0..i)
            .filter(|&j| spans[j].answered <= span.sent + tolerance)
            .map(|j| depth[j])
            .max()
            .unwrap_or(0);
        depth.push(before + 1);
    }
    let mut out = vec![Vec::new(); depth.iter().copied().max().unwrap_or(0)];
    for (d, span) in depth.iter().zip(&spans) {
        out[d - 1].push(span.operation.clone());
    }
    out
}
