//! The Lambda: answers `Custom::ClonedDistribution` requests from CloudFormation, and the
//! REST API's requests from API Gateway.

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
            // Always Ok: an API request's answer is the proxy response itself; any other
            // answer went to CloudFormation, and a Lambda retry of this invocation must not
            // send a second one.
            Ok::<Value, Error>(match handled {
                cfclone::handler::Handled::Responded { response, .. } => response,
                other => json!({ "handled": other.summary() }),
            })
        }
    }))
    .await
}
