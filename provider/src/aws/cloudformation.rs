//! CloudFormation on the SDK: the status of the stack an event comes from
//! ([`DescribeStacks`](https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html)),
//! asked in the stack's own region.

use super::client::{classify, missing};
use super::{AwsError, Stacks};
use aws_config::{Region, SdkConfig};
use aws_sdk_cloudformation::types::StackStatus;

/// CloudFormation on the SDK; a client for the stack's region is made when asked (only a
/// Delete with `DeletionMode: Disable` asks).
#[derive(Debug, Clone)]
pub struct SdkStacks {
    config: SdkConfig,
}

impl SdkStacks {
    pub fn new(config: &SdkConfig) -> Self {
        Self {
            config: config.clone(),
        }
    }
}

#[async_trait::async_trait]
impl Stacks for SdkStacks {
    async fn status(&self, stack_id: &str) -> Result<StackStatus, AwsError> {
        const OP: &str = "DescribeStacks";
        let region = crate::event::stack_region(stack_id).to_owned();
        let config = aws_sdk_cloudformation::config::Builder::from(&self.config)
            .region(Region::new(region))
            .interceptor(super::client::NamesTheEndpoint)
            .build();
        let out = aws_sdk_cloudformation::Client::from_conf(config)
            .describe_stacks()
            .stack_name(stack_id)
            .send()
            .await
            .map_err(|e| classify(OP, e))?;
        out.stacks
            .unwrap_or_default()
            .into_iter()
            .next()
            .and_then(|stack| stack.stack_status)
            .ok_or_else(|| missing(OP, "stack status"))
    }
}
