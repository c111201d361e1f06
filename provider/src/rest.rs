//! The REST front, the interface of the article cfclone grew out of: an API Gateway REST API
//! event (Lambda proxy integration) in, a proxy response out, over the same operations as
//! the CLI. API Gateway's Cognito authorizer checks the token and its scopes; the handler
//! still refuses a request that carries no authorizer claims, or lacks the route's scope, so
//! a misconfigured method cannot open the API. `api/openapi.json` describes exactly the
//! routes of [`Route`] (a test holds the two together).
//!
//! Routes: the reads (scope `clones/read`) `GET /clones[?reference=ID]`, `GET /clones/{id}`,
//! `GET /clones/{id}/diff`, `POST /plan` (the dry run: writes nothing); the changes (scope
//! `clones/write`) `POST /clones` ([`create`]), `PATCH /clones/{id}`,
//! `POST /clones/{id}/sync`, `DELETE /clones/{id}` and the article's own call,
//! `GET|POST /clone_distribution?domain=&origin=&ref_dist=`. `tests/tests/api_schema.rs`
//! holds the answers to the document with schemathesis.

use crate::aws::ErrorKind;
use crate::error::Error;
use crate::event::{Request, RequestType};
use crate::lifecycle::{Lifecycle, Listing, SyncDecision};
use crate::properties::Properties;
use crate::report;
use crate::runner::{Invocation, Runner};
use aws_lambda_events::apigw::{ApiGatewayProxyRequest, ApiGatewayProxyResponse};
use aws_lambda_events::encodings::Body;
use serde_json::{Value, json};

mod create;
mod owned;
mod problem;

pub use create::API_BUDGET;
pub use problem::Problem;

/// The scope every read needs.
pub const READ_SCOPE: &str = "clones/read";
/// The scope every change needs.
pub const WRITE_SCOPE: &str = "clones/write";

/// Whether a payload is an API Gateway REST API proxy event (and not a CloudFormation
/// request, a continuation or an EventBridge event).
pub fn is_api_event(payload: &Value) -> bool {
    payload.get("httpMethod").is_some_and(Value::is_string)
        && payload.get("requestContext").is_some_and(Value::is_object)
}

/// What a request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    ListClones {
        reference: Option<String>,
    },
    GetClone {
        id: String,
    },
    DiffClone {
        id: String,
    },
    /// The dry run; `list_account` lists the account's distributions (the quota) whatever
    /// CloudFront answers.
    Plan {
        list_account: bool,
    },
    CreateClone,
    UpdateClone {
        id: String,
    },
    /// Bring the clone up to date with its reference; `force` overwrites edits by hand.
    SyncClone {
        id: String,
        force: bool,
    },
    DeleteClone {
        id: String,
    },
    /// The article's call: one alias, the default behaviour's origin, the reference.
    CloneDistribution {
        domain: String,
        origin: String,
        reference: String,
    },
}

impl Route {
    /// The scope the route needs.
    pub fn scope(&self) -> &'static str {
        match self {
            Self::CreateClone
            | Self::UpdateClone { .. }
            | Self::SyncClone { .. }
            | Self::DeleteClone { .. }
            | Self::CloneDistribution { .. } => WRITE_SCOPE,
            _ => READ_SCOPE,
        }
    }
}

/// Every route as `METHOD /template`, as `api/openapi.json` lists them.
pub const ROUTES: &[&str] = &[
    "GET /clones",
    "POST /clones",
    "GET /clones/{id}",
    "PATCH /clones/{id}",
    "DELETE /clones/{id}",
    "GET /clones/{id}/diff",
    "POST /clones/{id}/sync",
    "POST /plan",
    "GET /clone_distribution",
    "POST /clone_distribution",
];

/// One request, read once.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub route: Route,
    /// API Gateway's id of the request, in every answer.
    pub request_id: String,
    pub body: Option<Value>,
    /// The `Idempotency-Key` header: a retried Create with the same key gets the same clone.
    pub idempotency_key: Option<String>,
}

/// Where the API runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// The region of the function (a plan's and a Create's stack region).
    pub region: String,
    /// What owns the clones the API makes: the function's unqualified ARN, their
    /// `cfclone:stack-id` tag.
    pub owner: String,
    /// When the invocation ends, ms since the epoch.
    pub deadline_ms: u64,
}

impl Context {
    /// The context of an invocation through `function` (`arn:aws:lambda:REGION:…`, perhaps
    /// with a version or an alias).
    pub fn of(function: &str, deadline_ms: u64) -> Self {
        let parts: Vec<&str> = function.split(':').collect();
        Self {
            region: crate::event::stack_region(function).to_owned(),
            owner: parts
                .get(..7)
                .map_or_else(|| function.to_owned(), |p| p.join(":")),
            deadline_ms,
        }
    }
}

/// Reads the event: the route, the caller's scopes (from the authorizer's claims), the body.
pub fn parse(payload: Value) -> Result<Call, Problem> {
    // The authorizer's claims as API Gateway's Cognito authorizer passes them; read before
    // the typed event takes the payload.
    let scopes = payload
        .pointer("/requestContext/authorizer/claims")
        .and_then(Value::as_object)
        .map(|claims| {
            claims
                .get("scope")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .split_whitespace()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        });
    let request: ApiGatewayProxyRequest = serde_json::from_value(payload)
        .map_err(|e| Problem::bad_request(format!("not an API Gateway proxy event: {e}")))?;
    let request_id = request
        .request_context
        .request_id
        .clone()
        .unwrap_or_default();
    let with_id = |problem: Problem| problem.with_request_id(&request_id);
    let method = request.http_method.as_str().to_owned();
    let path = request.path.clone().unwrap_or_default();
    let query = |key: &str| {
        request
            .query_string_parameters
            .first(key)
            .map(str::to_owned)
    };
    // Claims first: without them nothing about the API is told, not even its routes.
    let Some(scopes) = scopes else {
        return Err(with_id(Problem::unauthorized()));
    };
    let route = route(&method, &path, query).map_err(with_id)?;
    let header = request.headers.get("idempotency-key");
    let idempotency_key = match header.map(|v| v.to_str().ok().and_then(idempotency_key)) {
        None => None,
        Some(Some(key)) => Some(key),
        Some(None) => {
            return Err(with_id(Problem::property(
                "Idempotency-Key",
                r#"a quoted string of 1 to 64 letters, digits, - and _ ("8e03978e-40d5-43e8-bc93-6894a57f9324"), or the same unquoted"#,
            )));
        }
    };
    if !scopes
        .iter()
        .any(|s| s == route.scope() || s.ends_with(&format!("/{}", route.scope())))
    {
        return Err(with_id(Problem::forbidden(route.scope())));
    }
    let body = match request.body.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(_) if request.is_base64_encoded => {
            return Err(with_id(Problem::bad_request(
                "the body must be JSON text (application/json), not base64-encoded".into(),
            )));
        }
        Some(text) => Some(
            serde_json::from_str(text)
                .map_err(|e| with_id(Problem::bad_request(format!("the body is not JSON: {e}"))))?,
        ),
    };
    Ok(Call {
        route,
        request_id,
        body,
        idempotency_key,
    })
}

/// The key of an `Idempotency-Key` header: the value is an RFC 8941 sf-string, as the IETF
/// draft (draft-ietf-httpapi-idempotency-key-header, "Syntax") defines it
/// (`"8e03978e-40d5-43e8-bc93-6894a57f9324"`), or the bare key this API took first; either
/// way the key is 1 to 64 letters, digits, `-` and `_` (it becomes a tag value and part of the
/// `CallerReference`). `"abc"` and `abc` are the same key. Parameters after the string (the
/// draft defines none) are refused.
fn idempotency_key(value: &str) -> Option<String> {
    let value = value.trim_matches(' ');
    let key = match value.strip_prefix('"') {
        Some(quoted) => sf_string(quoted)?,
        None => value.to_owned(),
    };
    let allowed = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    ((1..=64).contains(&key.len()) && key.bytes().all(allowed)).then_some(key)
}

/// An sf-string after its opening quote (RFC 8941, section 4.2.5): printable ASCII, `\"`
/// and `\\` escaped, up to the closing quote and nothing after it.
fn sf_string(rest: &str) -> Option<String> {
    let mut text = String::new();
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next()? {
                escaped @ ('"' | '\\') => text.push(escaped),
                _ => return None,
            },
            '"' => return chars.as_str().is_empty().then_some(text),
            ' '..='~' => text.push(c),
            _ => return None,
        }
    }
    None
}

/// The route of `METHOD path`: 404 for a path the API does not have, 405 (with the methods
/// it takes) for a method the path does not take, 400 for a distribution id that cannot be one.
fn route<'a>(
    method: &str,
    path: &str,
    query: impl Fn(&str) -> Option<String> + 'a,
) -> Result<Route, Problem> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let id = |value: &str| distribution_id("id", value);
    let (route, allowed): (Option<Route>, &'static [&'static str]) = match segments.as_slice() {
        ["clones"] => {
            let route = match method {
                "GET" => Some(Route::ListClones {
                    reference: query("reference")
                        .map(|r| distribution_id("reference", &r))
                        .transpose()?,
                }),
                "POST" => Some(Route::CreateClone),
                _ => None,
            };
            (route, &["GET", "POST"])
        }
        ["clone_distribution"] if method == "GET" || method == "POST" => {
            let param = |name: &str| {
                query(name).filter(|v| !v.is_empty()).ok_or_else(|| {
                    Problem::property(name, "the query parameter is required (clone_distribution?domain=&origin=&ref_dist=)")
                })
            };
            let route = Route::CloneDistribution {
                domain: param("domain")?,
                origin: param("origin")?,
                reference: distribution_id("ref_dist", &param("ref_dist")?)?,
            };
            (Some(route), &["GET", "POST"])
        }
        ["clone_distribution"] => (None, &["GET", "POST"]),
        ["clones", clone] => {
            let route = match method {
                "GET" => Some(Route::GetClone { id: id(clone)? }),
                "PATCH" => Some(Route::UpdateClone { id: id(clone)? }),
                "DELETE" => Some(Route::DeleteClone { id: id(clone)? }),
                _ => None,
            };
            (route, &["GET", "PATCH", "DELETE"])
        }
        ["clones", clone, "diff"] => {
            let route = match method {
                "GET" => Some(Route::DiffClone { id: id(clone)? }),
                _ => None,
            };
            (route, &["GET"])
        }
        ["clones", clone, "sync"] => {
            let route = match method {
                "POST" => Some(Route::SyncClone {
                    id: id(clone)?,
                    force: flag("force", query("force").as_deref())?,
                }),
                _ => None,
            };
            (route, &["POST"])
        }
        ["plan"] => {
            let route = match method {
                "POST" => Some(Route::Plan {
                    list_account: flag("listAccount", query("listAccount").as_deref())?,
                }),
                _ => None,
            };
            (route, &["POST"])
        }
        _ => return Err(Problem::not_found(format!("there is no route {path}"))),
    };
    route.ok_or_else(|| Problem::method_not_allowed(method, path, allowed))
}

/// A distribution id as CloudFront makes them, or a 400 naming the parameter: nothing else
/// can name a distribution.
fn distribution_id(name: &str, value: &str) -> Result<String, Problem> {
    if crate::properties::is_distribution_id(value) {
        Ok(value.to_owned())
    } else {
        Err(Problem::property(
            name,
            format!(
                "{value:?} is not a CloudFront distribution id (capital letters and digits, as E2QWRUHAPOMQZL)"
            ),
        ))
    }
}

/// A flag of the query (`force`, `listAccount`): `true`, `false` or absent (false), or a 400
/// naming it.
fn flag(name: &str, value: Option<&str>) -> Result<bool, Problem> {
    match value {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(Problem::property(
            name,
            format!("true or false, not {other:?}"),
        )),
    }
}

/// What answering a call takes: an answer now, or a Delete for the handler to run (it hands
/// the wait on to fresh invocations as it does for CloudFormation).
#[derive(Debug, Clone)]
pub enum Reply {
    Json { status: u16, body: Value },
    Delete { request: Box<Request>, id: String },
}

impl Reply {
    /// The answer once the Delete ran: gone (`done`), or still going.
    pub fn deleted(id: &str, done: bool, request_id: &str) -> (u16, Value) {
        let (status, mut body) = owned::answer(id, done);
        body["requestId"] = json!(request_id);
        (status, body)
    }
}

/// Answers one call through the core, in `context`.
pub async fn answer(
    runner: &Runner,
    call: &Call,
    context: &Context,
    invocation: &Invocation,
) -> Result<Reply, Problem> {
    let reader = runner.reader(context.deadline_ms);
    let key = format!(
        "api-{}",
        call.idempotency_key.as_deref().unwrap_or(&call.request_id)
    );
    let calling = (context, invocation);
    let (status, mut body) = match &call.route {
        Route::ListClones { reference } => {
            let clones = reader.list(reference.as_deref()).await.map_err(failed)?;
            let clones: Vec<Value> = clones
                .iter()
                .map(|c| report::clone_state(c, false))
                .collect();
            (200, json!({ "clones": clones }))
        }
        Route::GetClone { id } => (
            200,
            report::clone_state(&reader.diff(id).await.map_err(failed)?, false),
        ),
        Route::DiffClone { id } => (
            200,
            report::clone_state(&reader.diff(id).await.map_err(failed)?, true),
        ),
        Route::Plan { list_account } => {
            let listing = match list_account {
                true => Listing::Always,
                false => Listing::WhenNeeded,
            };
            plan(&reader, call, context, listing).await?
        }
        Route::DeleteClone { id } => {
            let (owner, record) = reader.owned(id, &context.owner).await.map_err(failed)?;
            let properties = owned::declared(record, context);
            let request = owner.request(RequestType::Delete, Some(id), &key, properties, None);
            return Ok(Reply::Delete {
                request: Box::new(request),
                id: id.clone(),
            });
        }
        Route::UpdateClone { id } => {
            let (owner, record) = reader.owned(id, &context.owner).await.map_err(failed)?;
            let recorded = owned::declared(record, context);
            let merged = create::merge(&recorded, &object_body(call)?)?;
            let request =
                owner.request(RequestType::Update, Some(id), &key, merged, Some(recorded));
            let made = create::run(runner, &request, invocation).await?;
            (
                200,
                json!({"distributionId": made.distribution_id, "domainName": made.domain_name}),
            )
        }
        Route::SyncClone { id, force } => sync(runner, calling, id, *force, &key).await?,
        Route::CreateClone => {
            let made = create::create(runner, calling, object_body(call)?, &key).await?;
            let status = if made.in_progress { 202 } else { 201 };
            (
                status,
                json!({"distributionId": made.distribution_id, "domainName": made.domain_name, "idempotencyKey": call.idempotency_key}),
            )
        }
        Route::CloneDistribution {
            domain,
            origin,
            reference,
        } => {
            let properties = json!({
                "ReferenceDistributionId": reference,
                "Aliases": [domain],
                "OriginDomainName": origin,
            });
            let made = create::create(runner, calling, properties, &key).await?;
            // The article's answer: 200 with the request id and the distribution's id.
            (200, json!({"distributionId": made.distribution_id}))
        }
    };
    body["requestId"] = json!(call.request_id);
    Ok(Reply::Json { status, body })
}

/// The handler puts the request id in every problem [`answer`] returns.
fn failed(error: Error) -> Problem {
    Problem::from_error(&error)
}

/// `POST /plan`: the dry run of the body's properties (`?listAccount=true`: the account's
/// distributions listed, the quota checked).
async fn plan(
    reader: &Lifecycle<'_>,
    call: &Call,
    context: &Context,
    listing: Listing,
) -> Result<(u16, Value), Problem> {
    let declared = object_body(call)?;
    let properties =
        Properties::parse(&declared, &context.region).map_err(|e| failed(Error::Property(e)))?;
    let caller_reference = format!("cfclone-api-plan-{}", call.request_id);
    let preflight = reader
        .preflight(&properties, &caller_reference, listing)
        .await
        .map_err(failed)?;
    Ok((200, report::plan(&properties, &preflight)))
}

/// `POST /clones/{id}/sync`: the clone's own Update, when the sync decision says so.
async fn sync(
    runner: &Runner,
    (context, invocation): (&Context, &Invocation),
    id: &str,
    force: bool,
    key: &str,
) -> Result<(u16, Value), Problem> {
    // The Update plans on the reads of the diff that decided it.
    let runner = &runner.for_fleet(context.deadline_ms);
    let reader = runner.reader(context.deadline_ms);
    let (owner, record) = reader.owned(id, &context.owner).await.map_err(failed)?;
    let state = reader.diff(id).await.map_err(failed)?;
    let fields: Vec<&str> = state
        .differences
        .iter()
        .map(|d| d.change.field.as_str())
        .collect();
    match state.sync_decision(force) {
        SyncDecision::InSync => Ok((
            200,
            json!({"distributionId": id, "synced": false, "fields": fields}),
        )),
        SyncDecision::EditedByHand(drifted) => Err(Problem::conflict(format!(
            "{id} was edited by hand ({}); a sync would overwrite that: POST /clones/{id}/sync?force=true to do it",
            drifted.join(", ")
        ))),
        SyncDecision::Update(_) => {
            let recorded = owned::declared(record, context);
            let request = owner.request(
                RequestType::Update,
                Some(id),
                key,
                recorded.clone(),
                Some(recorded),
            );
            create::run(runner, &request, invocation).await?;
            Ok((
                200,
                json!({"distributionId": id, "synced": true, "fields": fields}),
            ))
        }
    }
}

/// The body of a route that takes the resource's properties: a JSON object, its text
/// properties and tags JSON strings.
fn object_body(call: &Call) -> Result<Value, Problem> {
    match &call.body {
        Some(body @ Value::Object(properties)) => {
            for &name in crate::properties::TEXT_PROPERTIES {
                if let Some(value) = properties.get(name).filter(|v| !v.is_null() && !v.is_string()) {
                    return Err(Problem::property(name, format!("expected a JSON string, got {value}"),
                    ));
                }
            }
            if let Some(Value::Array(tags)) = properties.get("Tags") {
                for (i, tag) in tags.iter().enumerate() {
                    for key in ["Key", "Value"] {
                        if !tag.get(key).is_some_and(Value::is_string) {
                            return Err(Problem::property("Tags", format!("item {i}: {key} must be a JSON string"),
                            ));
                        }
                    }
                }
            }
            Ok(body.clone())
        }
        _ => Err(Problem::bad_request("the body must be a JSON object of the resource's properties (ReferenceDistributionId, Aliases, …)".into(),
        )),
    }
}

/// The proxy response: JSON, or the problem document (with `Allow` on a 405), with the
/// request id in a header too.
pub fn response(status: u16, body: &Value, problem: Option<&Problem>, request_id: &str) -> Value {
    let mut response = ApiGatewayProxyResponse::default();
    response.status_code = i64::from(status);
    response.body = Some(Body::Text(body.to_string()));
    let content_type = if problem.is_some() {
        "application/problem+json"
    } else {
        "application/json"
    };
    response.headers.insert(
        "content-type",
        content_type.parse().expect("a valid header value"),
    );
    if let Some(allow) = problem.and_then(|p| p.allow) {
        let methods = allow.join(", ");
        response.headers.insert(
            "allow",
            methods.parse().expect("method names are header values"),
        );
    }
    if let Ok(id) = request_id.parse() {
        response.headers.insert("x-request-id", id);
    }
    serde_json::to_value(&response).unwrap_or_else(|_| json!({"statusCode": 500}))
}

/// How an AWS failure kind reads as an HTTP status.
fn aws_status(kind: ErrorKind) -> u16 {
    match kind {
        ErrorKind::NotFound => 404,
        ErrorKind::Throttled => 429,
        ErrorKind::CnameAlreadyExists | ErrorKind::AlreadyExists => 409,
        _ => 502,
    }
}

#[cfg(test)]
mod tests;
