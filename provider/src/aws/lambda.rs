//! Lambda on the SDK: the provider's asynchronous invocations of itself.

use super::client::classify;
use super::{AwsError, SelfInvoke};
use aws_config::SdkConfig;

/// Asynchronous invocations of the provider's own function.
#[derive(Debug, Clone)]
pub struct SdkSelfInvoke {
    client: aws_sdk_lambda::Client,
}

impl SdkSelfInvoke {
    pub fn new(config: &SdkConfig) -> Self {
        Self {
            client: aws_sdk_lambda::Client::from_conf(
                aws_sdk_lambda::config::Builder::from(config)
                    .interceptor(super::client::NamesTheEndpoint)
                    .build(),
            ),
        }
    }
}

#[async_trait::async_trait]
impl SelfInvoke for SdkSelfInvoke {
    async fn invoke_async(&self, function: &str, payload: Vec<u8>) -> Result<(), AwsError> {
        use aws_sdk_lambda::primitives::Blob;
        use aws_sdk_lambda::types::InvocationType;
        self.client
            .invoke()
            .function_name(function)
            .invocation_type(InvocationType::Event)
            .payload(Blob::new(payload))
            .send()
            .await
            .map_err(|e| classify("Invoke", e))?;
        Ok(())
    }
}
