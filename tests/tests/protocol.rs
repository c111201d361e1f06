//! The protocol side: one bounded response per event, PUT as CloudFormation expects it,
//! even when AWS does not answer before the Lambda deadline.

use cfclone_e2e::{Harness, NOT_CREATED_PREFIX, Options, props, with};
use std::time::Duration;

/// A TCP endpoint that accepts connections and never answers.
async fn black_hole() -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    (address, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_aws_call_that_hangs_is_answered_failed_before_the_lambda_deadline() {
    let (hole, _task) = black_hole().await;
    let h = Harness::start_with(Options {
        function_timeout: Duration::from_secs(5),
        extra_env: vec![("AWS_ENDPOINT_URL_CLOUDFRONT".into(), hole)],
        ..Options::default()
    })
    .await;
    let reference = h.seed_reference().await;
    h.issue_certificate("shop.example.com", &[]).await;
    let create = h
        .create(
            "ShopDistribution",
            props(&reference.id, &["shop.example.com"]),
        )
        .await;

    let response = h.send(&create).await.only();

    assert_eq!(response.status, "FAILED");
    assert!(
        response.reason().contains("deadline"),
        "{}",
        response.reason()
    );
    assert!(
        response
            .physical_resource_id
            .starts_with(NOT_CREATED_PREFIX)
    );
    assert!(
        h.abnormal_invocations().is_empty(),
        "the provider answered before Lambda would have killed it: {:?}",
        h.abnormal_invocations()
    );
    assert_eq!(h.aws.distribution_ids().await, [reference.id.as_str()]);
    assert_eq!(
        h.aws.distribution_config(&reference.id).await,
        reference.config
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn responses_are_put_with_an_empty_content_type_and_fit_in_4096_bytes() {
    let h = Harness::start().await;
    let reference = h.seed_reference().await;
    let huge = "X".repeat(6000);
    let create = h
        .create(
            "ShopDistribution",
            with(props(&reference.id, &[]), &huge, "value"),
        )
        .await;

    let response = h.send(&create).await.only();

    assert_eq!(response.status, "FAILED");
    assert!(response.size <= 4096, "{} bytes", response.size);
    assert!(response.reason().ends_with('…'), "truncated, and says so");
    // S3 (and moto) store an empty Content-Type as their default, binary/octet-stream;
    // anything else (application/json…) would break the pre-signed URL's signature on AWS.
    assert!(
        matches!(
            response.content_type.as_deref(),
            None | Some("" | "binary/octet-stream")
        ),
        "no Content-Type of its own: {:?}",
        response.content_type
    );
    assert_eq!(response.request_id, create.request_id());
    assert_eq!(response.stack_id, h.stack.id);
    assert_eq!(h.aws.distribution_ids().await, [reference.id.as_str()]);
}
