use super::*;
use crate::error::{Error, Failure};
use serde_json::{Value, json};
use std::collections::BTreeMap;

fn request() -> Ids {
    Ids {
        request_id: "req-1".into(),
        stack_id: "arn:aws:cloudformation:eu-west-1:123456789012:stack/shop/abc".into(),
        logical_resource_id: "ShopClone".into(),
        response_url: "https://s3.example.com/r?X-Amz-Signature=secret".into(),
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
    let answer = Answer::Failed(Failure::new(
        "cfclone-not-created-req-1",
        Error::property("Aliases", "bad"),
    ));
    let v = parsed(&answer);
    assert_eq!(v["Status"], "FAILED");
    assert_eq!(v["Reason"], "Aliases: bad");
    assert_eq!(v["Data"], json!({}));
}

#[test]
fn a_huge_reason_is_truncated_to_fit_4096_bytes() {
    let answer = Answer::Failed(Failure::new(
        "E1",
        Error::property("Comment", "é".repeat(10_000)),
    ));
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
