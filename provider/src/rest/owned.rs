//! The API's own clones. `DELETE /clones/{id}`, `PATCH` and sync run the Delete (and the
//! Update) a stack's resource runs — disable, wait, delete, remove the SSM outputs and the
//! record — for a clone the API owns (the core's `Lifecycle::owned` checks that; a clone a
//! stack owns is refused: its stack deletes it). The runner hands a Delete's wait on to
//! fresh invocations as it does for CloudFormation, so the API answers 202 while CloudFront
//! disables the clone.

use super::Context;
use crate::record::Record;
use serde_json::{Value, json};

/// The properties clone `record` was declared with (its SSM outputs, its reference), or a
/// minimal set when it has none.
pub fn declared(record: Option<Record>, context: &Context) -> Value {
    match record {
        Some(record) => record.declared(&context.owner),
        None => json!({"ServiceToken": context.owner}),
    }
}

/// The answer once the Delete ran in this invocation: gone (200), or going (202).
pub fn answer(id: &str, done: bool) -> (u16, Value) {
    if done {
        (200, json!({"distributionId": id, "status": "Deleted"}))
    } else {
        (202, json!({"distributionId": id, "status": "Deleting"}))
    }
}
