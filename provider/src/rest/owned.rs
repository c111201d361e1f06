//! The lifecycle requests of the API's own clones. `DELETE /clones/{id}`, `PATCH` and sync
//! run the Delete (and the Update) a stack's resource runs — disable, wait, delete, remove
//! the SSM outputs and the record — for a clone the API owns. The request becomes the
//! Delete request of the clone's own "resource" (its ownership tags name it); the handler
//! runs it and hands the wait on to fresh invocations as it does for CloudFormation, so the
//! API answers 202 while CloudFront disables the clone. A clone a stack owns is refused: its
//! stack deletes it.

use super::{Context, Problem};
use crate::aws::{Adapters, ErrorKind};
use crate::error::Error;
use crate::event::{Ids, Request, RequestType};
use crate::lifecycle::{Lifecycle, Owner};
use crate::properties::Declared;
use serde_json::{Value, json};

/// A clone the API owns: its owner (from its tags) and its properties as recorded (a
/// minimal set when it has no record).
pub async fn owned(
    aws: &Adapters,
    reader: &Lifecycle<'_>,
    context: &Context,
    id: &str,
) -> Result<(Owner, Value), Problem> {
    let clone = aws.distributions.get(id).await.map_err(|e| {
        if e.is(ErrorKind::NotFound) {
            Problem::from_error(&Error::NoDistribution {
                operation: e.operation,
                id: id.to_owned(),
            })
        } else {
            Problem::from_error(&Error::Aws(e))
        }
    })?;
    let tags = aws
        .distributions
        .tags(&clone.arn)
        .await
        .map_err(|e| Problem::from_error(&Error::Aws(e)))?;
    let Some(owner) = Owner::from_tags(&tags) else {
        return Err(Problem::not_found(format!(
            "{id} is not a clone cfclone made, and cfclone leaves it alone"
        )));
    };
    if owner.stack_id != context.owner {
        return Err(Problem::conflict(format!(
            "{id} belongs to {} ({}): the API changes and deletes only the clones it made; use its stack",
            owner.stack_id, owner.logical_id
        )));
    }
    // The record says what the clone was declared with (its SSM outputs, its reference).
    let properties = match reader.record(id).await {
        Ok(Some(record)) => record.declared(&context.owner),
        _ => json!({"ServiceToken": context.owner}),
    };
    Ok((owner, properties))
}

/// The lifecycle request `request_type` of clone `id` (none yet for a Create), owned by
/// `owner`, with `properties` (and, for an Update, the recorded ones as its old properties).
pub fn request(
    request_type: RequestType,
    context: &Context,
    owner: Owner,
    id: Option<&str>,
    request_id: &str,
    properties: Value,
    old: Option<Value>,
) -> Request {
    let kind = match request_type {
        RequestType::Create => "Create",
        RequestType::Update => "Update",
        RequestType::Delete => "Delete",
    };
    let mut raw = json!({
        "RequestType": kind,
        "RequestId": request_id,
        "StackId": owner.stack_id,
        "LogicalResourceId": owner.logical_id,
        "ResourceType": crate::RESOURCE_TYPE,
        "ResponseURL": "",
        "ResourceProperties": properties,
    });
    if let Some(id) = id {
        raw["PhysicalResourceId"] = json!(id);
    }
    if let Some(old) = &old {
        raw["OldResourceProperties"] = old.clone();
    }
    Request {
        request_type,
        ids: Ids {
            request_id: request_id.to_owned(),
            stack_id: owner.stack_id,
            logical_resource_id: owner.logical_id,
            response_url: String::new(),
        },
        physical_resource_id: id.map(str::to_owned),
        properties: Declared::read(raw["ResourceProperties"].clone(), &context.region),
        old_properties: old.map(|old| Declared::read(old, &context.region)),
        raw,
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
