//! A local stand-in for API Gateway in front of the provider: HTTP on loopback in, a REST
//! API proxy event (the shape API Gateway's Lambda proxy integration sends) to the provider
//! under the local Lambda, its proxy response back out as HTTP.
//!
//! It plays the Cognito authorizer without checking any token: a request with an
//! `Authorization` header carries claims with the scopes `scopes` names (both by default),
//! one without carries no claims — so the provider's own refusal of unauthorised requests
//! is what a client meets. Local use only: it listens on 127.0.0.1.

use crate::Harness;
use crate::http::serve;
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use serde_json::{Map, Value, json};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::task::JoinHandle;

/// The scopes a request with an `Authorization` header gets, by default.
pub const ALL_SCOPES: &str = "clones/read clones/write";

/// Serves the API of `harness`'s provider on a free loopback port until the handle is
/// aborted; every request with an `Authorization` header gets `scopes`.
pub async fn serve_api(harness: Arc<Harness>, scopes: &str) -> (SocketAddr, JoinHandle<()>) {
    let scopes: Arc<str> = scopes.into();
    serve(move |request: Request<Incoming>| {
        let harness = Arc::clone(&harness);
        let scopes = Arc::clone(&scopes);
        async move {
            let event = event(request, &scopes).await;
            response(harness.invoke(event).await)
        }
    })
    .await
}

/// The proxy event of one HTTP request.
async fn event(request: Request<Incoming>, scopes: &str) -> Value {
    let (parts, body) = request.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let headers: Map<String, Value> = parts
        .headers
        .iter()
        .filter_map(|(name, value)| Some((name.as_str().to_owned(), json!(value.to_str().ok()?))))
        .collect();
    let query: Map<String, Value> = parts
        .uri
        .query()
        .and_then(|q| reqwest::Url::parse(&format!("http://local/?{q}")).ok())
        .map(|url| {
            url.query_pairs()
                .map(|(k, v)| (k.into_owned(), json!(v)))
                .collect()
        })
        .unwrap_or_default();
    let path = parts.uri.path().to_owned();
    let method = parts.method.as_str().to_owned();
    let mut context = json!({
        "accountId": crate::ACCOUNT, "resourceId": "local", "stage": "local",
        "requestId": uuid::Uuid::new_v4().to_string(), "httpMethod": method,
        "path": format!("/local{path}"), "identity": {"sourceIp": "127.0.0.1"}, "apiId": "local",
    });
    if headers.contains_key("authorization") {
        context["authorizer"] =
            json!({"claims": {"scope": scopes, "token_use": "access", "client_id": "local"}});
    }
    json!({
        "resource": path, "path": path, "httpMethod": method,
        "headers": headers, "multiValueHeaders": {},
        "queryStringParameters": if query.is_empty() { Value::Null } else { Value::Object(query) },
        "multiValueQueryStringParameters": null, "pathParameters": null, "stageVariables": null,
        "requestContext": context,
        "body": if body.is_empty() { Value::Null } else { json!(String::from_utf8_lossy(&body)) },
        "isBase64Encoded": false,
    })
}

/// The HTTP response of the provider's proxy response.
fn response(proxy: Value) -> Response<Full<Bytes>> {
    let status = proxy["statusCode"]
        .as_u64()
        .and_then(|s| u16::try_from(s).ok())
        .unwrap_or(502);
    let mut builder = Response::builder().status(status);
    if let Some(headers) = proxy["headers"].as_object() {
        for (name, value) in headers {
            if let Some(value) = value.as_str() {
                builder = builder.header(name, value);
            }
        }
    }
    let body = proxy["body"].as_str().unwrap_or_default().to_owned();
    builder
        .body(Full::new(Bytes::from(body)))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}
