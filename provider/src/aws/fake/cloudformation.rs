//! CloudFormation's `DescribeStacks`, in memory: the status of each stack a test put
//! there; any other stack is answered as AWS answers a stack that does not exist
//! (`ValidationError`, "Stack with id … does not exist").

use super::lock;
use crate::aws::{AwsError, ErrorKind, Stacks};
use aws_sdk_cloudformation::types::StackStatus;
use std::collections::BTreeMap;
use std::sync::Mutex;

#[derive(Debug, Default)]
pub struct FakeCloudFormation {
    /// Stack id → `StackStatus`.
    pub statuses: Mutex<BTreeMap<String, String>>,
    /// The stack ids asked about, in order.
    pub asked: Mutex<Vec<String>>,
    /// Every call is refused with `AccessDenied`.
    pub deny: Mutex<bool>,
}

impl FakeCloudFormation {
    pub fn set(&self, stack_id: &str, status: &str) {
        lock(&self.statuses).insert(stack_id.to_owned(), status.to_owned());
    }

    pub fn asked(&self) -> Vec<String> {
        lock(&self.asked).clone()
    }
}

#[async_trait::async_trait]
impl Stacks for FakeCloudFormation {
    async fn status(&self, stack_id: &str) -> Result<StackStatus, AwsError> {
        lock(&self.asked).push(stack_id.to_owned());
        if *lock(&self.deny) {
            return Err(AwsError::new(
                "DescribeStacks",
                ErrorKind::AccessDenied,
                "not authorized to perform cloudformation:DescribeStacks",
            ));
        }
        let status = lock(&self.statuses).get(stack_id).cloned();
        status
            .map(|s| StackStatus::from(s.as_str()))
            .ok_or_else(|| {
                let mut error = AwsError::new(
                    "DescribeStacks",
                    ErrorKind::Other,
                    format!("Stack with id {stack_id} does not exist"),
                );
                error.code = Some("ValidationError".into());
                error
            })
    }
}
