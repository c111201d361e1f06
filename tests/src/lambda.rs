//! A local Lambda for one function: the Runtime API that the provider binary polls
//! (`AWS_LAMBDA_RUNTIME_API`), the Invoke API its continuations call
//! (`AWS_ENDPOINT_URL_LAMBDA`), and the provider process itself, in one execution
//! environment at a time.
//!
//! As in Lambda, an invocation that is still running at its deadline has its process
//! killed (the invocation is recorded as [`Outcome::TimedOut`]) and a fresh process
//! takes the next invocation; a process that exits is restarted.

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::pin;
use std::process::Stdio;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::TcpListener;
use tokio::process::{Child, Command};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

const RUNTIME_PREFIX: &str = "/2018-06-01/runtime";
const INVOKE_PREFIX: &str = "/2015-03-31/functions/";

/// How the function is configured.
#[derive(Debug, Clone)]
pub struct LambdaOptions {
    pub binary: PathBuf,
    pub function_name: String,
    pub region: String,
    pub account: String,
    /// The function timeout: each invocation's deadline.
    pub timeout: Duration,
    /// The alias or version the harness's own invocations go through (CloudFormation's
    /// ServiceToken may name one); `None` for the unqualified function.
    pub qualifier: Option<String>,
    /// The aliases (or versions) the Invoke API knows besides `$LATEST`; invoking another
    /// is answered 404, as Lambda answers for a deleted alias.
    pub aliases: Vec<String>,
    /// The process environment besides what Lambda itself sets.
    pub env: Vec<(String, String)>,
}

/// Who asked for an invocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The harness (CloudFormation's asynchronous invocation).
    Direct,
    /// The Invoke API (the provider invoking itself).
    InvokeApi,
}

/// What became of an invocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Queued,
    /// Taken by process number `instance`.
    Running {
        instance: u32,
    },
    /// The handler's return value.
    Response(Value),
    /// The runtime reported an error (the error type and the body).
    Error {
        error_type: String,
        body: String,
    },
    /// Still running at its deadline: the process was killed.
    TimedOut,
    /// The process exited while running it.
    Crashed,
}

impl Outcome {
    pub fn is_finished(&self) -> bool {
        !matches!(self, Self::Queued | Self::Running { .. })
    }
}

/// One invocation of the function.
#[derive(Debug, Clone)]
pub struct Invocation {
    pub id: String,
    pub source: Source,
    /// The function ARN it was invoked through (qualified when a version or alias was
    /// named), as the runtime reports it to the process.
    pub function: String,
    pub payload: Value,
    pub outcome: Outcome,
    /// When a process took it (its `next` was answered).
    pub handed_out: Option<Instant>,
    /// When it finished (response, error, timeout or crash).
    pub finished: Option<Instant>,
}

/// One process of the function, as started.
#[derive(Debug, Clone)]
pub struct Process {
    /// 1 for the first.
    pub instance: u32,
    pub pid: Option<u32>,
    /// Just before it was spawned.
    pub started: Instant,
    /// When it first asked for an invocation (its initialisation done).
    pub first_next: Option<Instant>,
    /// Its CPU time (every thread, from `/proc`) at that first `next`.
    pub first_next_cpu: Option<Duration>,
}

struct State {
    queue: VecDeque<usize>,
    invocations: Vec<Invocation>,
    /// The running invocation and its deadline.
    in_flight: Option<(usize, Instant)>,
    child: Option<Child>,
    /// Number of the current process (1 for the first).
    instance: u32,
    /// Every process started, in order.
    processes: Vec<Process>,
    init_errors: Vec<String>,
    /// Processes started in a row without taking an invocation (a binary that dies at
    /// start is not restarted forever).
    restarts_without_work: u32,
    stopped: bool,
}

struct Shared {
    options: LambdaOptions,
    runtime_api: SocketAddr,
    state: Mutex<State>,
    /// A new invocation was queued.
    queued: Notify,
    /// An invocation changed state.
    changed: Notify,
    logs: Mutex<Vec<String>>,
    /// Each invocation's trace header, as handed out (the IAM evaluation's attribution).
    traced: crate::iam_calls::TraceLog,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn function_arn(&self) -> String {
        format!(
            "arn:aws:lambda:{}:{}:function:{}",
            self.options.region, self.options.account, self.options.function_name
        )
    }

    /// The function ARN the harness's own invocations go through.
    fn invoked_arn(&self) -> String {
        match &self.options.qualifier {
            Some(q) => format!("{}:{q}", self.function_arn()),
            None => self.function_arn(),
        }
    }

    fn enqueue(&self, source: Source, function: String, payload: Value) -> String {
        let id = crate::uuid();
        {
            let mut state = self.state();
            let index = state.invocations.len();
            state.invocations.push(Invocation {
                id: id.clone(),
                source,
                function,
                payload,
                outcome: Outcome::Queued,
                handed_out: None,
                finished: None,
            });
            state.queue.push_back(index);
        }
        self.queued.notify_waiters();
        self.changed.notify_waiters();
        id
    }

    fn finish(&self, id: &str, outcome: Outcome) -> bool {
        let mut state = self.state();
        let Some((index, _)) = state.in_flight else {
            return false;
        };
        if state.invocations[index].id != id {
            return false;
        }
        state.invocations[index].outcome = outcome;
        state.invocations[index].finished = Some(Instant::now());
        state.in_flight = None;
        drop(state);
        self.changed.notify_waiters();
        true
    }

    fn log(&self, line: String) {
        if std::env::var_os("CFCLONE_E2E_ECHO").is_some() {
            eprintln!("{line}");
        }
        self.logs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(line);
    }
}

/// The local Lambda; everything stops on drop.
pub struct Lambda {
    shared: Arc<Shared>,
    server: JoinHandle<()>,
    supervisor: JoinHandle<()>,
}

impl Lambda {
    /// Serves the APIs on a free loopback port and starts the first process.
    pub async fn start(options: LambdaOptions) -> Self {
        let lambda = Self::serve(options).await;
        lambda.spawn();
        lambda
    }

    /// Serves the APIs on a free loopback port without starting a process: invocations
    /// queued before [`Lambda::spawn`] wait for the first process, as the event of a
    /// cold start does.
    pub async fn serve(options: LambdaOptions) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port for the Lambda APIs");
        let runtime_api = listener.local_addr().expect("a bound address");
        let shared = Arc::new(Shared {
            options,
            runtime_api,
            state: Mutex::new(State {
                queue: VecDeque::new(),
                invocations: Vec::new(),
                in_flight: None,
                child: None,
                instance: 0,
                processes: Vec::new(),
                init_errors: Vec::new(),
                restarts_without_work: 0,
                stopped: false,
            }),
            queued: Notify::new(),
            changed: Notify::new(),
            logs: Mutex::new(Vec::new()),
            traced: Default::default(),
        });
        let server = tokio::spawn(serve(listener, Arc::clone(&shared)));
        let supervisor = tokio::spawn(supervise(Arc::clone(&shared)));
        Self {
            shared,
            server,
            supervisor,
        }
    }

    /// `127.0.0.1:PORT`: the `AWS_LAMBDA_RUNTIME_API` of the process, and (as
    /// `http://…`) its `AWS_ENDPOINT_URL_LAMBDA`.
    pub fn address(&self) -> SocketAddr {
        self.shared.runtime_api
    }

    pub fn function_arn(&self) -> String {
        self.shared.function_arn()
    }

    /// Queues an asynchronous invocation with this payload; returns its id.
    pub fn invoke_event(&self, payload: Value) -> String {
        self.shared
            .enqueue(Source::Direct, self.shared.invoked_arn(), payload)
    }

    /// Every invocation handed out so far, with its trace header (the SDK in the process
    /// sends it with each AWS call).
    pub fn traced(&self) -> crate::iam_calls::TraceLog {
        std::sync::Arc::clone(&self.shared.traced)
    }

    /// Every invocation so far, in the order they were queued.
    pub fn invocations(&self) -> Vec<Invocation> {
        self.shared.state().invocations.clone()
    }

    /// Starts the first process (after [`Lambda::serve`]; [`Lambda::start`] does it).
    pub fn spawn(&self) {
        let mut state = self.shared.state();
        if state.child.is_none() {
            spawn_process(&self.shared, &mut state);
        }
    }

    /// How many processes were started.
    pub fn processes_started(&self) -> u32 {
        self.shared.state().instance
    }

    /// Every process started so far, in order.
    pub fn processes(&self) -> Vec<Process> {
        self.shared.state().processes.clone()
    }

    /// The pid of the running process, if one is running.
    pub fn pid(&self) -> Option<u32> {
        self.shared.state().child.as_ref().and_then(Child::id)
    }

    /// Errors the runtime reported at initialisation.
    pub fn init_errors(&self) -> Vec<String> {
        self.shared.state().init_errors.clone()
    }

    /// Every line the processes wrote to stdout and stderr, in order.
    pub fn logs(&self) -> Vec<String> {
        self.shared
            .logs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Waits until nothing is queued or running; `false` after `timeout`.
    pub async fn wait_idle(&self, timeout: Duration) -> bool {
        self.wait_for(timeout, |invocations| {
            invocations.iter().all(|i| i.outcome.is_finished())
        })
        .await
    }

    /// Waits until `condition` holds for the invocations; `false` after `timeout`.
    pub async fn wait_for(
        &self,
        timeout: Duration,
        condition: impl Fn(&[Invocation]) -> bool,
    ) -> bool {
        let end = tokio::time::Instant::now() + timeout;
        loop {
            let mut changed = pin!(self.shared.changed.notified());
            changed.as_mut().enable();
            if condition(&self.shared.state().invocations) {
                return true;
            }
            if tokio::time::timeout_at(end, changed).await.is_err() {
                return condition(&self.shared.state().invocations);
            }
        }
    }
}

impl Drop for Lambda {
    fn drop(&mut self) {
        let mut state = self.shared.state();
        state.stopped = true;
        if let Some(child) = state.child.as_mut() {
            let _ = child.start_kill();
        }
        drop(state);
        self.supervisor.abort();
        self.server.abort();
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// Starts a fresh process (the previous one, if any, is killed).
fn spawn_process(shared: &Arc<Shared>, state: &mut State) {
    if let Some(mut old) = state.child.take() {
        let _ = old.start_kill();
    }
    if state.stopped {
        return;
    }
    state.instance += 1;
    let instance = state.instance;
    let options = &shared.options;
    let mut command = Command::new(&options.binary);
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AWS_LAMBDA_RUNTIME_API", shared.runtime_api.to_string())
        .env(
            "AWS_ENDPOINT_URL_LAMBDA",
            format!("http://{}", shared.runtime_api),
        )
        .env("AWS_REGION", &options.region)
        .env("AWS_DEFAULT_REGION", &options.region)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_SESSION_TOKEN", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_LAMBDA_FUNCTION_NAME", &options.function_name)
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env(
            "AWS_LAMBDA_LOG_GROUP_NAME",
            format!("/aws/lambda/{}", options.function_name),
        )
        .env(
            "AWS_LAMBDA_LOG_STREAM_NAME",
            format!("local/[$LATEST]{instance:032x}"),
        )
        .env("AWS_EXECUTION_ENV", "AWS_Lambda_provided.al2023")
        .env("_HANDLER", "bootstrap")
        .envs(options.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    // A binary written a moment ago may still be open for writing in a process that
    // another thread is forking ("text file busy"): try again briefly.
    let mut attempts = 0;
    let started = Instant::now();
    let mut child = loop {
        match command.spawn() {
            Ok(child) => break child,
            Err(e) if e.raw_os_error() == Some(26) && attempts < 20 => {
                attempts += 1;
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(e) => panic!("cannot start {}: {e}", options.binary.display()),
        }
    };
    let pipes = [
        child.stdout.take().map(|s| Box::new(s) as Box<dyn Pipe>),
        child.stderr.take().map(|s| Box::new(s) as Box<dyn Pipe>),
    ];
    for pipe in pipes.into_iter().flatten() {
        let shared = Arc::clone(shared);
        tokio::spawn(async move {
            let mut lines = BufReader::new(pipe).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                shared.log(line);
            }
        });
    }
    state.processes.push(Process {
        instance,
        pid: child.id(),
        started,
        first_next: None,
        first_next_cpu: None,
    });
    state.child = Some(child);
}

trait Pipe: tokio::io::AsyncRead + Unpin + Send {}
impl<T: tokio::io::AsyncRead + Unpin + Send> Pipe for T {}

/// Kills the process of an invocation past its deadline, and restarts processes that
/// exit, as Lambda does.
async fn supervise(shared: Arc<Shared>) {
    loop {
        tokio::time::sleep(Duration::from_millis(50)).await;
        if check_process(&shared) {
            // Not at once: a binary that dies at start must not spin.
            tokio::time::sleep(Duration::from_millis(200)).await;
            let mut state = shared.state();
            if state.restarts_without_work <= 3 {
                spawn_process(&shared, &mut state);
            } else {
                shared.log("harness: the process keeps exiting; not restarting it".into());
            }
        }
    }
}

/// Enforces the deadline of the running invocation; `true` when the process exited and
/// needs a successor.
fn check_process(shared: &Arc<Shared>) -> bool {
    let mut state = shared.state();
    if state.stopped {
        return false;
    }
    let mut changed = false;
    if let Some((index, deadline)) = state.in_flight
        && Instant::now() >= deadline
    {
        let id = state.invocations[index].id.clone();
        state.invocations[index].outcome = Outcome::TimedOut;
        state.invocations[index].finished = Some(Instant::now());
        state.in_flight = None;
        shared.log(format!(
            "harness: invocation {id} timed out after {:?}; the process is killed and replaced",
            shared.options.timeout
        ));
        spawn_process(shared, &mut state);
        changed = true;
    }
    let exited = state
        .child
        .as_mut()
        .and_then(|c| c.try_wait().ok().flatten());
    if let Some(status) = exited {
        if let Some((index, _)) = state.in_flight.take() {
            state.invocations[index].outcome = Outcome::Crashed;
            state.invocations[index].finished = Some(Instant::now());
            changed = true;
        }
        shared.log(format!(
            "harness: process {} exited ({status})",
            state.instance
        ));
        state.child = None;
        state.restarts_without_work += 1;
    }
    drop(state);
    if changed {
        shared.changed.notify_waiters();
    }
    exited.is_some()
}

type Body = Full<Bytes>;

async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = tokio::task::JoinSet::new();
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let shared = Arc::clone(&shared);
        connections.spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let shared = Arc::clone(&shared);
                async move { Ok::<_, std::convert::Infallible>(route(&shared, request).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
        while connections.try_join_next().is_some() {}
    }
}

fn reply(status: StatusCode, body: impl Into<Bytes>) -> hyper::Response<Body> {
    hyper::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(body.into()))
        .expect("a valid response")
}

fn error(status: StatusCode, error_type: &str, message: &str) -> hyper::Response<Body> {
    let mut response = reply(
        status,
        serde_json::json!({"Type": "User", "message": message}).to_string(),
    );
    response.headers_mut().insert(
        "x-amzn-errortype",
        error_type.parse().expect("a valid header value"),
    );
    response
}

async fn route(shared: &Arc<Shared>, request: Request<Incoming>) -> hyper::Response<Body> {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or_default().to_owned();
    let headers = request.headers().clone();
    let body = match request.into_body().collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return reply(StatusCode::BAD_REQUEST, "{}"),
    };
    if let Some(rest) = path.strip_prefix(RUNTIME_PREFIX) {
        return runtime(shared, &method, rest, &headers, body).await;
    }
    if let Some(rest) = path.strip_prefix(INVOKE_PREFIX)
        && let Some(name) = rest.strip_suffix("/invocations")
        && method == Method::POST
    {
        return invoke(shared, name, &query, &headers, body).await;
    }
    error(
        StatusCode::NOT_FOUND,
        "UnknownOperationException",
        &format!("{method} {path} is not served by the local Lambda"),
    )
}

async fn runtime(
    shared: &Arc<Shared>,
    method: &Method,
    path: &str,
    headers: &hyper::HeaderMap,
    body: Bytes,
) -> hyper::Response<Body> {
    let accepted = || reply(StatusCode::ACCEPTED, r#"{"status":"OK"}"#);
    match (method, path) {
        (&Method::GET, "/invocation/next") => next(shared).await,
        (&Method::POST, "/init/error") => {
            let text = String::from_utf8_lossy(&body).into_owned();
            shared.log(format!("harness: init error: {text}"));
            shared.state().init_errors.push(text);
            accepted()
        }
        (&Method::POST, rest) => {
            let Some((id, what)) = rest
                .strip_prefix("/invocation/")
                .and_then(|r| r.split_once('/'))
            else {
                return error(StatusCode::NOT_FOUND, "NotFound", "unknown runtime path");
            };
            let outcome = match what {
                "response" => {
                    Outcome::Response(serde_json::from_slice(&body).unwrap_or_else(|_| {
                        Value::String(String::from_utf8_lossy(&body).into_owned())
                    }))
                }
                "error" => Outcome::Error {
                    error_type: headers
                        .get("lambda-runtime-function-error-type")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("Unhandled")
                        .to_owned(),
                    body: String::from_utf8_lossy(&body).into_owned(),
                },
                _ => return error(StatusCode::NOT_FOUND, "NotFound", "unknown runtime path"),
            };
            if shared.finish(id, outcome) {
                accepted()
            } else {
                error(
                    StatusCode::BAD_REQUEST,
                    "InvalidRequestID",
                    "no such invocation is running (it may have timed out)",
                )
            }
        }
        _ => error(StatusCode::NOT_FOUND, "NotFound", "unknown runtime path"),
    }
}

/// The long poll for the next invocation.
async fn next(shared: &Arc<Shared>) -> hyper::Response<Body> {
    {
        // The current process's first `next`: its initialisation is over.
        let mut state = shared.state();
        if let Some(process) = state.processes.last_mut()
            && process.first_next.is_none()
        {
            process.first_next = Some(Instant::now());
            process.first_next_cpu = process.pid.and_then(crate::procfs::cpu_time);
        }
    }
    loop {
        let mut queued = pin!(shared.queued.notified());
        queued.as_mut().enable();
        {
            let mut state = shared.state();
            if state.in_flight.is_none()
                && let Some(index) = state.queue.pop_front()
            {
                let instance = state.instance;
                let timeout = shared.options.timeout;
                state.in_flight = Some((index, Instant::now() + timeout));
                state.restarts_without_work = 0;
                let invocation = &mut state.invocations[index];
                invocation.outcome = Outcome::Running { instance };
                invocation.handed_out = Some(Instant::now());
                let id = invocation.id.clone();
                let function = invocation.function.clone();
                let payload = invocation.payload.to_string();
                drop(state);
                shared.changed.notify_waiters();
                let trace = format!(
                    "Root=1-{}-{};Parent={};Sampled=0",
                    crate::random_hex(8),
                    crate::random_hex(24),
                    crate::random_hex(16)
                );
                if let Ok(mut traced) = shared.traced.lock() {
                    traced.push(crate::iam_calls::Traced {
                        trace_id: trace.clone(),
                        payload: serde_json::from_str(&payload).unwrap_or(Value::Null),
                    });
                }
                return hyper::Response::builder()
                    .status(StatusCode::OK)
                    .header("content-type", "application/json")
                    .header("lambda-runtime-aws-request-id", &id)
                    .header(
                        "lambda-runtime-deadline-ms",
                        (now_ms() + timeout.as_millis() as u64).to_string(),
                    )
                    .header("lambda-runtime-invoked-function-arn", function)
                    .header("lambda-runtime-trace-id", trace)
                    .body(Full::new(Bytes::from(payload)))
                    .expect("a valid response");
            }
        }
        queued.await;
    }
}

/// `POST /2015-03-31/functions/{name}/invocations`.
async fn invoke(
    shared: &Arc<Shared>,
    name: &str,
    query: &str,
    headers: &hyper::HeaderMap,
    body: Bytes,
) -> hyper::Response<Body> {
    let name = percent_decode(name);
    // NAME, NAME:QUALIFIER, or an ARN with or without a qualifier; `?Qualifier=` too.
    let bare = name
        .rsplit_once(":function:")
        .map_or(name.as_str(), |(_, rest)| rest);
    let (function, mut qualifier) = match bare.split_once(':') {
        Some((f, q)) => (f, Some(q.to_owned())),
        None => (bare, None),
    };
    if let Some(q) = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("Qualifier="))
    {
        qualifier = Some(percent_decode(q));
    }
    let known_qualifier = qualifier
        .as_deref()
        .is_none_or(|q| q == "$LATEST" || shared.options.aliases.iter().any(|a| a == q));
    if function != shared.options.function_name || !known_qualifier {
        return error(
            StatusCode::NOT_FOUND,
            "ResourceNotFoundException",
            &format!("Function not found: {name}"),
        );
    }
    let invoked = match &qualifier {
        Some(q) => format!("{}:{q}", shared.function_arn()),
        None => shared.function_arn(),
    };
    let payload = if body.is_empty() {
        Value::Object(Default::default())
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(_) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "InvalidRequestContentException",
                    "Could not parse request body into json",
                );
            }
        }
    };
    let invocation_type = headers
        .get("x-amz-invocation-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("RequestResponse");
    match invocation_type {
        "Event" => {
            let id = shared.enqueue(Source::InvokeApi, invoked, payload);
            let mut response = reply(StatusCode::ACCEPTED, "");
            response
                .headers_mut()
                .insert("x-amzn-requestid", id.parse().expect("a header value"));
            response
        }
        "DryRun" => reply(StatusCode::NO_CONTENT, ""),
        _ => {
            let id = shared.enqueue(Source::InvokeApi, invoked, payload);
            let end = tokio::time::Instant::now() + shared.options.timeout * 3;
            loop {
                let mut changed = pin!(shared.changed.notified());
                changed.as_mut().enable();
                let outcome = shared
                    .state()
                    .invocations
                    .iter()
                    .find(|i| i.id == id)
                    .map(|i| i.outcome.clone());
                match outcome {
                    Some(Outcome::Response(value)) => {
                        return reply(StatusCode::OK, value.to_string());
                    }
                    Some(Outcome::Error { body, .. }) => {
                        let mut response = reply(StatusCode::OK, body);
                        response
                            .headers_mut()
                            .insert("x-amz-function-error", "Unhandled".parse().expect("ok"));
                        return response;
                    }
                    Some(Outcome::TimedOut | Outcome::Crashed) => {
                        let mut response = reply(
                            StatusCode::OK,
                            r#"{"errorType":"Sandbox.Timedout","errorMessage":"Task timed out"}"#,
                        );
                        response
                            .headers_mut()
                            .insert("x-amz-function-error", "Unhandled".parse().expect("ok"));
                        return response;
                    }
                    _ => {}
                }
                if tokio::time::timeout_at(end, changed).await.is_err() {
                    return error(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "ServiceException",
                        "the local Lambda did not finish the invocation",
                    );
                }
            }
        }
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
