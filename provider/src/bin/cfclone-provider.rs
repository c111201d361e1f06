//! The Lambda: answers `Custom::ClonedDistribution` requests from CloudFormation.

use lambda_runtime::{Error, LambdaEvent, service_fn};
use serde_json::{Value, json};
use std::sync::Arc;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    cfclone::setup::init_logging(true);
    let provider = Arc::new(cfclone::setup::provider(true).await);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let provider = Arc::clone(&provider);
        async move {
            let invocation = cfclone::setup::invocation(&event.context);
            let handled = provider.handle(event.payload, &invocation).await;
            // Always Ok: the answer went to CloudFormation, and a Lambda retry of this
            // invocation must not send a second one.
            Ok::<Value, Error>(json!({ "handled": handled.summary() }))
        }
    }))
    .await
}
