//! The answer to CloudFormation: an outcome as a JSON body of at most 4096 bytes, PUT to
//! the pre-signed `ResponseURL` with an empty content type, retried with backoff.

use crate::lifecycle::Request;
use aws_lambda_events::event::cloudformation::{
    CloudFormationCustomResourceResponse, CloudFormationCustomResourceResponseStatus,
};
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;
use tracing::{info, warn};

/// CloudFormation refuses response bodies larger than this.
pub const MAX_BODY_BYTES: usize = 4096;

/// The final answer for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Success {
        physical_id: String,
        data: BTreeMap<String, String>,
    },
    Failed {
        physical_id: String,
        reason: String,
    },
}

/// The JSON body for `answer`, bounded to [`MAX_BODY_BYTES`]: the reason is truncated
/// first, then the data dropped (with a reason that says so).
pub fn body(request: &Request, answer: &Answer) -> Vec<u8> {
    let mut response = CloudFormationCustomResourceResponse::default();
    response.stack_id = request.stack_id.clone();
    response.request_id = request.request_id.clone();
    response.logical_resource_id = request.logical_resource_id.clone();
    let mut reason;
    match answer {
        Answer::Success { physical_id, data } => {
            response.status = CloudFormationCustomResourceResponseStatus::Success;
            response.physical_resource_id = physical_id.clone();
            response.data = data.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            reason = String::new();
        }
        Answer::Failed {
            physical_id,
            reason: why,
        } => {
            response.status = CloudFormationCustomResourceResponseStatus::Failed;
            response.physical_resource_id = physical_id.clone();
            reason = why.clone();
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
            Err(e) => last = without_query(&crate::error_chain(&e)),
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

/// reqwest errors quote the URL; strip any query string from the text.
fn without_query(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_query = false;
    for c in text.chars() {
        match c {
            '?' => in_query = true,
            ')' | ' ' | '"' if in_query => {
                in_query = false;
                out.push(c);
            }
            _ if in_query => {}
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::RequestType;
    use serde_json::{Value, json};

    fn request() -> Request {
        Request {
            request_type: RequestType::Create,
            request_id: "req-1".into(),
            stack_id: "arn:aws:cloudformation:eu-west-1:123456789012:stack/shop/abc".into(),
            logical_resource_id: "ShopClone".into(),
            response_url: "https://s3.example.com/r?X-Amz-Signature=secret".into(),
            physical_resource_id: None,
            properties: json!({}),
            old_properties: None,
        }
    }

    fn parsed(answer: &Answer) -> Value {
        serde_json::from_slice(&body(&request(), answer)).unwrap()
    }

    #[test]
    fn a_success_body_matches_the_golden_json() {
        let answer = Answer::Success {
            physical_id: "E123".into(),
            data: BTreeMap::from([("DistributionId".into(), "E123".into())]),
        };
        assert_eq!(
            parsed(&answer),
            json!({
                "Status": "SUCCESS",
                "Reason": null,
                "PhysicalResourceId": "E123",
                "StackId": "arn:aws:cloudformation:eu-west-1:123456789012:stack/shop/abc",
                "RequestId": "req-1",
                "LogicalResourceId": "ShopClone",
                "NoEcho": false,
                "Data": {"DistributionId": "E123"},
            })
        );
    }

    #[test]
    fn a_failed_body_carries_the_reason() {
        let answer = Answer::Failed {
            physical_id: "cfclone-not-created-req-1".into(),
            reason: "Aliases: bad".into(),
        };
        let v = parsed(&answer);
        assert_eq!(v["Status"], "FAILED");
        assert_eq!(v["Reason"], "Aliases: bad");
        assert_eq!(v["Data"], json!({}));
    }

    #[test]
    fn a_huge_reason_is_truncated_to_fit_4096_bytes() {
        let answer = Answer::Failed {
            physical_id: "E1".into(),
            reason: "é".repeat(10_000),
        };
        let bytes = body(&request(), &answer);
        assert!(bytes.len() <= MAX_BODY_BYTES, "{}", bytes.len());
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        assert!(v["Reason"].as_str().unwrap().ends_with('…'));
        assert!(
            bytes.len() > MAX_BODY_BYTES - 100,
            "the reason keeps as much as fits"
        );
    }

    #[test]
    fn oversized_data_turns_into_a_failure_that_says_why() {
        let data = (0..100)
            .map(|i| (format!("Key{i}"), "v".repeat(100)))
            .collect();
        let bytes = body(
            &request(),
            &Answer::Success {
                physical_id: "E1".into(),
                data,
            },
        );
        assert!(bytes.len() <= MAX_BODY_BYTES);
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(v["Status"], "FAILED");
        assert!(v["Reason"].as_str().unwrap().contains("4096"));
    }

    #[test]
    fn the_query_string_is_redacted() {
        assert_eq!(
            redact("https://bucket.s3.amazonaws.com/key?X-Amz-Signature=abc"),
            "https://bucket.s3.amazonaws.com/key"
        );
        assert_eq!(
            without_query("error sending request for url (http://h/k?sig=1) boom"),
            "error sending request for url (http://h/k) boom"
        );
    }

    #[tokio::test]
    async fn the_response_is_put_with_an_empty_content_type_and_retried() {
        let server = httpmock::MockServer::start_async().await;
        let failing = server
            .mock_async(|when, then| {
                when.method("PUT").path("/flaky").header("content-type", "");
                then.status(503);
            })
            .await;
        let http = reqwest::Client::new();
        let err = send_with_backoff(
            &http,
            &server.url("/flaky?sig=secret"),
            b"{}".to_vec(),
            Duration::from_millis(1),
        )
        .await
        .unwrap_err();
        assert_eq!(failing.calls_async().await, 5);
        assert!(!err.to_string().contains("secret"));

        let ok = server
            .mock_async(|when, then| {
                when.method("PUT")
                    .path("/ok")
                    .header("content-type", "")
                    .body("{\"a\":1}");
                then.status(200);
            })
            .await;
        send(&http, &server.url("/ok?sig=1"), b"{\"a\":1}".to_vec())
            .await
            .unwrap();
        assert_eq!(ok.calls_async().await, 1);
    }

    #[tokio::test]
    async fn a_refused_response_is_not_retried_and_says_how_often_it_was_tried() {
        let server = httpmock::MockServer::start_async().await;
        let refused = server
            .mock_async(|when, then| {
                when.method("PUT").path("/expired");
                then.status(403);
            })
            .await;
        let err = send_with_backoff(
            &reqwest::Client::new(),
            &server.url("/expired?X-Amz-Signature=secret"),
            b"{}".to_vec(),
            Duration::from_millis(1),
        )
        .await
        .unwrap_err();
        assert_eq!(refused.calls_async().await, 1);
        assert_eq!(err.attempts, 1);
        assert!(
            err.to_string().contains("after 1 attempt(s): HTTP 403"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn a_connection_failure_names_its_cause() {
        // A port that was just free: nothing listens there.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let err = send_with_backoff(
            &reqwest::Client::new(),
            &format!("http://127.0.0.1:{port}/r?X-Amz-Signature=secret"),
            b"{}".to_vec(),
            Duration::from_millis(1),
        )
        .await
        .unwrap_err();
        assert_eq!(err.attempts, 5);
        assert!(err.last.contains("error sending request"), "{}", err.last);
        assert!(
            err.last.contains("Connection refused"),
            "the cause follows: {}",
            err.last
        );
        assert!(!err.to_string().contains("secret"));
    }
}
