//! The answer to CloudFormation: an outcome as a JSON body of at most 4096 bytes, PUT to
//! the pre-signed `ResponseURL` with an empty content type, retried with backoff.

use crate::event::Ids;
use crate::lifecycle::Answer;
use aws_lambda_events::event::cloudformation::{
    CloudFormationCustomResourceResponse, CloudFormationCustomResourceResponseStatus,
};
use std::collections::HashMap;
use std::time::Duration;
use tracing::{info, warn};

/// CloudFormation refuses response bodies larger than this.
pub const MAX_BODY_BYTES: usize = 4096;

/// The JSON body for `answer`, bounded to [`MAX_BODY_BYTES`]: the reason is truncated
/// first, then the data dropped (with a reason that says so).
pub fn body(ids: &Ids, answer: &Answer) -> Vec<u8> {
    let mut response = CloudFormationCustomResourceResponse::default();
    response.stack_id = ids.stack_id.clone();
    response.request_id = ids.request_id.clone();
    response.logical_resource_id = ids.logical_resource_id.clone();
    let mut reason;
    match answer {
        Answer::Success { physical_id, data } => {
            response.status = CloudFormationCustomResourceResponseStatus::Success;
            response.physical_resource_id = physical_id.clone();
            response.data = data.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            reason = String::new();
        }
        Answer::Failed(failure) => {
            response.status = CloudFormationCustomResourceResponseStatus::Failed;
            response.physical_resource_id = failure.physical_id.clone();
            reason = failure.reason();
        }
    }
    loop {
        response.reason = (!reason.is_empty()).then(|| reason.clone());
        let bytes = serde_json::to_vec(&response).expect("a response always serializes");
        if bytes.len() <= MAX_BODY_BYTES {
            return bytes;
        }
        let excess = bytes.len() - MAX_BODY_BYTES;
        if reason.len() > excess + 32 {
            reason = truncate(&reason, reason.len() - excess - 32);
        } else if !response.data.is_empty() {
            response.data = HashMap::new();
            response.status = CloudFormationCustomResourceResponseStatus::Failed;
            reason = "the response data exceeded CloudFormation's 4096-byte limit".into();
        } else {
            // Only the ids are left: a physical id of nearly 4 KB.
            reason = String::new();
            response.physical_resource_id = truncate(&response.physical_resource_id, 1024);
        }
    }
}

/// At most `max` bytes of `text`, cut at a character boundary, marked with `…`.
fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max.saturating_sub('…'.len_utf8());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// The response URL without its query string (the signature is a credential).
pub fn redact(url: &str) -> &str {
    url.split_once('?').map_or(url, |(base, _)| base)
}

#[derive(Debug, thiserror::Error)]
#[error("could not deliver the response to {url} after {attempts} attempt(s): {last}")]
pub struct SendError {
    pub url: String,
    pub attempts: u32,
    pub last: String,
}

/// PUTs `body` to the response URL: empty `Content-Type`, retried with exponential
/// backoff on connection errors and 5xx answers.
pub async fn send(http: &reqwest::Client, url: &str, body: Vec<u8>) -> Result<(), SendError> {
    send_with_backoff(http, url, body, Duration::from_millis(200)).await
}

/// [`send`] with the first retry after `first_backoff`, doubling each time.
pub async fn send_with_backoff(
    http: &reqwest::Client,
    url: &str,
    body: Vec<u8>,
    first_backoff: Duration,
) -> Result<(), SendError> {
    const ATTEMPTS: u32 = 5;
    let mut last = String::new();
    let mut attempts = 0;
    for attempt in 1..=ATTEMPTS {
        attempts = attempt;
        let result = http
            .put(url)
            .header(reqwest::header::CONTENT_TYPE, "")
            .body(body.clone())
            .send()
            .await;
        match result {
            Ok(r) if r.status().is_success() => {
                info!(
                    url = redact(url),
                    status = r.status().as_u16(),
                    "delivered the response"
                );
                return Ok(());
            }
            Ok(r) => {
                last = format!("HTTP {}", r.status());
                if r.status().is_client_error() {
                    // A pre-signed URL that refuses us now will refuse us again.
                    break;
                }
            }
            // Without the URL: its query string is a credential.
            Err(e) => last = crate::aws::error_chain(&e.without_url()),
        }
        warn!(url = redact(url), attempt, error = %last, "response not delivered; retrying");
        tokio::time::sleep(first_backoff * 2u32.pow(attempt - 1)).await;
    }
    Err(SendError {
        url: redact(url).to_owned(),
        attempts,
        last,
    })
}

#[cfg(test)]
mod tests;
