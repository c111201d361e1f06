//! The REST front, the interface of the article cfclone grew out of: an API Gateway REST API
//! event (Lambda proxy integration) in, a proxy response out, over the same operations as
//! the CLI. API Gateway's Cognito authorizer checks the token and its scopes; the handler
//! still refuses a request that carries no authorizer claims, or lacks the route's scope, so
//! a misconfigured method cannot open the API. `api/openapi.json` describes exactly the
//! routes of [`Route`] (a test holds the two together).
//!
//! Routes so far, the reads (each needs the scope `clones/read`):
//! `GET /clones[?reference=ID]`, `GET /clones/{id}`, `GET /clones/{id}/diff`,
//! `POST /plan` (the dry run: writes nothing).

use crate::aws::{Adapters, Certificates, Clock, Distributions, ErrorKind, Parameters, Zones};
use crate::error::Error;
use crate::lifecycle::Lifecycle;
use crate::properties::Properties;
use crate::report;
use aws_lambda_events::apigw::{ApiGatewayProxyRequest, ApiGatewayProxyResponse};
use aws_lambda_events::encodings::Body;
use serde_json::{Value, json};
use std::time::Duration;

mod problem;

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
    ListClones { reference: Option<String> },
    GetClone { id: String },
    DiffClone { id: String },
    Plan,
}

impl Route {
    /// The scope the route needs.
    pub fn scope(&self) -> &'static str {
        READ_SCOPE
    }
}

/// Every route as `METHOD /template`, as `api/openapi.json` lists them.
pub const ROUTES: &[&str] = &[
    "GET /clones",
    "GET /clones/{id}",
    "GET /clones/{id}/diff",
    "POST /plan",
];

/// One request, read once.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub route: Route,
    /// API Gateway's id of the request, in every answer.
    pub request_id: String,
    pub body: Option<Value>,
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
        .map_err(|e| Problem::bad_request(None, format!("not an API Gateway proxy event: {e}")))?;
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
                None,
                "the body must be JSON text (application/json), not base64-encoded".into(),
            )));
        }
        Some(text) => Some(serde_json::from_str(text).map_err(|e| {
            with_id(Problem::bad_request(
                None,
                format!("the body is not JSON: {e}"),
            ))
        })?),
    };
    Ok(Call {
        route,
        request_id,
        body,
    })
}

/// The route of `METHOD path`: 404 for a path the API does not have, 405 for a method the
/// path does not take.
fn route<'a>(
    method: &str,
    path: &str,
    query: impl Fn(&str) -> Option<String> + 'a,
) -> Result<Route, Problem> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (route, allowed): (Option<Route>, &str) = match segments.as_slice() {
        ["clones"] => (
            (method == "GET").then(|| Route::ListClones {
                reference: query("reference"),
            }),
            "GET",
        ),
        ["clones", id] => (
            (method == "GET").then(|| Route::GetClone { id: (*id).into() }),
            "GET",
        ),
        ["clones", id, "diff"] => (
            (method == "GET").then(|| Route::DiffClone { id: (*id).into() }),
            "GET",
        ),
        ["plan"] => ((method == "POST").then_some(Route::Plan), "POST"),
        _ => return Err(Problem::not_found(format!("there is no route {path}"))),
    };
    route.ok_or_else(|| Problem::method_not_allowed(method, path, allowed))
}

/// Answers one call over the adapters: `region` is where the API runs (a plan's stack
/// region), `deadline_ms` when the invocation ends.
pub async fn answer<D, C, P, K>(
    aws: &Adapters<D, C, P, K>,
    call: &Call,
    region: &str,
    deadline_ms: u64,
) -> Result<(u16, Value), Problem>
where
    D: Distributions,
    C: Certificates + Zones,
    P: Parameters,
    K: Clock,
{
    let reader = Lifecycle::for_reads(aws, deadline_ms, Duration::from_secs(1));
    let failed = |error: Error| Problem::from_error(&error).with_request_id(&call.request_id);
    let mut body = match &call.route {
        Route::ListClones { reference } => {
            let clones = reader.list(reference.as_deref()).await.map_err(failed)?;
            json!({"clones": clones.iter().map(|c| report::clone_state(c, false)).collect::<Vec<_>>()})
        }
        Route::GetClone { id } => {
            report::clone_state(&reader.diff(id).await.map_err(failed)?, false)
        }
        Route::DiffClone { id } => {
            report::clone_state(&reader.diff(id).await.map_err(failed)?, true)
        }
        Route::Plan => {
            let declared = match &call.body {
                Some(Value::Object(properties)) => Value::Object(properties.clone()),
                _ => {
                    return Err(Problem::bad_request(
                        None,
                        "the body must be a JSON object of the resource's properties (ReferenceDistributionId, Aliases, …)".into(),
                    )
                    .with_request_id(&call.request_id));
                }
            };
            let properties =
                Properties::parse(&declared, region).map_err(|e| failed(Error::Property(e)))?;
            let preflight = reader
                .preflight(
                    &properties,
                    &format!("cfclone-api-plan-{}", call.request_id),
                )
                .await
                .map_err(failed)?;
            report::plan(&properties, &preflight)
        }
    };
    body["requestId"] = json!(call.request_id);
    Ok((200, body))
}

/// The proxy response: JSON (or a problem document) with the request id in a header too.
pub fn response(status: u16, body: &Value, problem: bool, request_id: &str) -> Value {
    let mut response = ApiGatewayProxyResponse::default();
    response.status_code = i64::from(status);
    response.body = Some(Body::Text(body.to_string()));
    let content_type = if problem {
        "application/problem+json"
    } else {
        "application/json"
    };
    response.headers.insert(
        "content-type",
        content_type.parse().expect("a valid header value"),
    );
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
