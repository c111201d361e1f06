//! A CloudFormation ResponseURL on loopback: it takes the provider's PUT and notes when it
//! arrived, for measurements where a pre-signed S3 URL on moto (as
//! [`crate::cloudformation`] gives) would add moto's own work to the clock.

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{Method, StatusCode};
use serde_json::Value;
use std::collections::HashMap;
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// What arrived for one request.
#[derive(Debug, Clone)]
pub struct Answer {
    /// When the PUT's body had arrived.
    pub at: Instant,
    pub body: Value,
}

#[derive(Default)]
struct Shared {
    answers: Mutex<HashMap<String, Answer>>,
    arrived: Notify,
}

/// The endpoint; it stops on drop.
pub struct ResponseUrl {
    port: u16,
    shared: Arc<Shared>,
    server: JoinHandle<()>,
}

impl ResponseUrl {
    pub async fn start() -> Self {
        let shared = Arc::new(Shared::default());
        let state = Arc::clone(&shared);
        let (address, server) = crate::http::serve(move |request| {
            let state = Arc::clone(&state);
            async move {
                let path = request.uri().path().to_owned();
                let put = request.method() == Method::PUT;
                let body = request.into_body().collect().await.map(|b| b.to_bytes());
                let at = Instant::now();
                let status = match (put, path.strip_prefix("/cfn/"), body) {
                    (true, Some(id), Ok(body)) => {
                        let body = serde_json::from_slice(&body).unwrap_or_else(|_| {
                            Value::String(String::from_utf8_lossy(&body).into_owned())
                        });
                        let answer = Answer { at, body };
                        state
                            .answers
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .insert(id.to_owned(), answer);
                        state.arrived.notify_waiters();
                        StatusCode::OK
                    }
                    _ => StatusCode::NOT_FOUND,
                };
                hyper::Response::builder()
                    .status(status)
                    .body(Full::new(Bytes::new()))
                    .expect("a response")
            }
        })
        .await;
        Self {
            port: address.port(),
            shared,
            server,
        }
    }

    /// The ResponseURL for `request_id`, shaped like a pre-signed S3 URL (the query string
    /// is what the provider must not log).
    pub fn url(&self, request_id: &str) -> String {
        format!(
            "http://127.0.0.1:{}/cfn/{request_id}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=0123456789abcdef",
            self.port
        )
    }

    /// The answer to `request_id`, waiting up to `timeout` for it.
    pub async fn wait(&self, request_id: &str, timeout: Duration) -> Option<Answer> {
        let end = tokio::time::Instant::now() + timeout;
        loop {
            let mut arrived = pin!(self.shared.arrived.notified());
            arrived.as_mut().enable();
            if let Some(answer) = self.get(request_id) {
                return Some(answer);
            }
            if tokio::time::timeout_at(end, arrived).await.is_err() {
                return self.get(request_id);
            }
        }
    }

    /// The answer to `request_id`, if one arrived.
    pub fn get(&self, request_id: &str) -> Option<Answer> {
        self.shared
            .answers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(request_id)
            .cloned()
    }
}

impl Drop for ResponseUrl {
    fn drop(&mut self) {
        self.server.abort();
    }
}
