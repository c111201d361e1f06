//! Requests checked against botocore's models on the strict emulator
//! (`emulator/cfclone_emulator/validation.py`): a request real AWS would refuse is refused
//! the same way, and every test fails when the provider or the harness sends one (the
//! emulator is dropped with its refusals unread). Here one is sent on purpose.

use aws_sdk_ssm::error::ProvideErrorMetadata;
use aws_sdk_ssm::types::ParameterType;
use cfclone_e2e::Harness;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_that_breaks_the_model_is_refused_as_aws_would_and_reported() {
    let h = Harness::start().await;
    let ssm = h.aws.ssm("us-east-1");
    // The Rust SDK checks required members only; SSM's model caps Name at 2048.
    let name = format!("/cfclone/{}", "n".repeat(2048));
    let refused = ssm
        .put_parameter()
        .name(&name)
        .value("v")
        .r#type(ParameterType::String)
        .send()
        .await
        .expect_err("a name over 2048 characters is refused");
    assert_eq!(refused.code(), Some("ValidationException"));
    assert!(
        refused.message().unwrap_or_default().ends_with(
            "at 'name' failed to satisfy constraint: Member must have length less than or equal to 2048"
        ),
        "{refused:?}"
    );
    h.aws.put_parameter("us-east-1", "/cfclone/fits", "v").await;
    assert_eq!(h.moto.statuses("PutParameter").await, vec![400, 200]);
    let reported = h.moto.take_refusals();
    assert_eq!(reported.len(), 1, "{reported:?}");
    assert!(reported[0].contains(r#""operation": "PutParameter""#));
    assert!(h.moto.take_refusals().is_empty(), "taken once");
}
