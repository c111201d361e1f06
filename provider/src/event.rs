//! The one event type at the edge: a CloudFormation custom resource request, or a
//! continuation of one that an earlier invocation handed on. Parsed once, by [`parse`];
//! everything after reads the typed [`Event`].

use crate::properties::Declared;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The key that marks a payload as a continuation rather than a CloudFormation event.
pub const CONTINUATION_KEY: &str = "cfcloneContinuation";
/// Tag naming the stack that owns a clone.
pub const OWNER_STACK_TAG: &str = "cfclone:stack-id";
/// Tag naming the logical id, inside that stack, of the resource that owns a clone.
pub const OWNER_LOGICAL_ID_TAG: &str = "cfclone:logical-id";
/// Tag of a clone the REST API made: the [fingerprint](Request::fingerprint) of the
/// request that made it, so that the same `Idempotency-Key` with another body is told apart.
pub const FINGERPRINT_TAG: &str = "cfclone:request-fingerprint";
/// The request id of a sync's Update starts with this (`CloneState::sync_request`).
pub const SYNC_REQUEST_PREFIX: &str = "cfclone-sync-";
/// Physical ids starting with this mark a Create that made nothing.
pub const NOT_CREATED_PREFIX: &str = "cfclone-not-created-";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RequestType {
    Create,
    Update,
    Delete,
}

/// What every answer to CloudFormation names, whatever the request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ids {
    pub request_id: String,
    pub stack_id: String,
    pub logical_resource_id: String,
    /// The pre-signed S3 URL the answer is PUT to (empty: run locally, nothing is sent).
    pub response_url: String,
}

/// A CloudFormation custom resource request, whatever its type, its properties read once.
#[derive(Debug, Clone)]
pub struct Request {
    pub request_type: RequestType,
    pub ids: Ids,
    pub physical_resource_id: Option<String>,
    pub properties: Declared,
    /// An Update's previous properties.
    pub old_properties: Option<Declared>,
    /// The event as CloudFormation sent it, handed on verbatim by a continuation.
    pub raw: Value,
}

/// Where an unfinished operation picks up in the next invocation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "phase", rename_all = "kebab-case")]
pub enum Phase {
    /// Disable-wait-delete, from the top (every step is idempotent).
    Delete,
    /// Wait for a created or updated clone to be `Deployed`, then finish.
    AwaitDeployment { distribution_id: String },
    /// Wait for the certificate this resource requested to be `ISSUED`, then go on with
    /// the Create or Update.
    AwaitCertificate { certificate_arn: String },
}

impl Phase {
    /// The distribution this phase works on, if it names one.
    pub fn distribution(&self) -> Option<&str> {
        match self {
            Self::AwaitDeployment { distribution_id } => Some(distribution_id),
            Self::Delete | Self::AwaitCertificate { .. } => None,
        }
    }
}

/// What a continuation carries besides the original event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Continuation {
    /// How many hand-offs led to this invocation (1 for the first continuation).
    pub hand_offs: u32,
    /// When the operation began, ms since the epoch.
    pub started_ms: u64,
    #[serde(flatten)]
    pub phase: Phase,
}

/// One invocation's payload, parsed.
#[derive(Debug, Clone)]
pub struct Event {
    pub request: Request,
    pub continuation: Option<Continuation>,
}

/// A payload that is not a request the provider can work on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unusable {
    /// Not a CloudFormation custom resource request; answered FAILED if it names a
    /// ResponseURL (with whatever ids it has).
    NotARequest {
        ids: Ids,
        physical_resource_id: Option<String>,
    },
    /// Nothing can be answered: a malformed continuation, or one without a ResponseURL.
    Refused(String),
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    #[serde(rename = "cfcloneContinuation")]
    continuation: Continuation,
    event: Value,
}

/// Reads one payload: a CloudFormation event, or a continuation envelope around one.
/// Never panics, whatever the JSON (a property test feeds it arbitrary values).
pub fn parse(payload: Value) -> Result<Event, Unusable> {
    let (raw, continuation) = if payload.get(CONTINUATION_KEY).is_some() {
        let envelope: Envelope = serde_json::from_value(payload).map_err(|e| {
            Unusable::Refused(format!(
                "malformed continuation payload ({e}); nothing was done"
            ))
        })?;
        if !envelope.event.is_object() {
            return Err(Unusable::Refused(
                "the continuation carries no original event; nothing was done".into(),
            ));
        }
        (envelope.event, Some(envelope.continuation))
    } else {
        (payload, None)
    };
    let request = request(raw)?;
    // Only the API's own requests (their "stack" is the provider function) and the sync's
    // Updates answer nowhere.
    if continuation.is_some()
        && request.ids.response_url.is_empty()
        && !request.is_api_owned()
        && !request.is_sync()
    {
        return Err(Unusable::Refused(
            "the continuation's event has no ResponseURL".into(),
        ));
    }
    Ok(Event {
        request,
        continuation,
    })
}

fn request(raw: Value) -> Result<Request, Unusable> {
    use aws_lambda_events::event::cloudformation::CloudFormationCustomResourceRequest as Cfn;
    let text = |key: &str| raw.get(key).and_then(Value::as_str).map(str::to_owned);
    let ids = Ids {
        request_id: text("RequestId").unwrap_or_default(),
        stack_id: text("StackId").unwrap_or_default(),
        logical_resource_id: text("LogicalResourceId").unwrap_or_default(),
        response_url: text("ResponseURL").unwrap_or_default(),
    };
    // The library's type decides what a request is; the ids were read above.
    let (request_type, physical, properties, old) = match Cfn::deserialize(&raw) {
        Ok(Cfn::Create(r)) => (RequestType::Create, None, r.resource_properties, None),
        Ok(Cfn::Update(r)) => (
            RequestType::Update,
            Some(r.physical_resource_id),
            r.resource_properties,
            Some(r.old_resource_properties),
        ),
        Ok(Cfn::Delete(r)) => (
            RequestType::Delete,
            Some(r.physical_resource_id),
            r.resource_properties,
            None,
        ),
        _ => {
            return Err(Unusable::NotARequest {
                ids,
                physical_resource_id: text("PhysicalResourceId"),
            });
        }
    };
    let region = stack_region(&ids.stack_id).to_owned();
    Ok(Request {
        request_type,
        physical_resource_id: physical,
        properties: Declared::read(properties, &region),
        old_properties: old.map(|old| Declared::read(old, &region)),
        ids,
        raw,
    })
}

/// The stack's region, from its ARN (`arn:aws:cloudformation:REGION:…`).
pub fn stack_region(stack_id: &str) -> &str {
    stack_id
        .split(':')
        .nth(3)
        .filter(|r| !r.is_empty())
        .unwrap_or("us-east-1")
}

/// Who owns a clone: the stack and logical id of its resource (its ownership tags).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub stack_id: String,
    pub logical_id: String,
}

impl Owner {
    /// The owner the ownership tags name, if they are there.
    pub fn from_tags(tags: &[(String, String)]) -> Option<Self> {
        let tag = |key: &str| tags.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
        Some(Self {
            stack_id: tag(OWNER_STACK_TAG)?,
            logical_id: tag(OWNER_LOGICAL_ID_TAG)?,
        })
    }

    /// The stack's name, from its id (`arn:…:stack/NAME/UUID`).
    pub fn stack_name(&self) -> &str {
        self.stack_id.split('/').nth(1).unwrap_or(&self.stack_id)
    }

    /// The request the provider makes itself for this owner's clone (the REST API's
    /// Create, Update and Delete; a sync's Update): the event the clone's resource would
    /// get from CloudFormation, answering nowhere (no ResponseURL). `id` is the clone's
    /// (none yet for a Create); an Update's `old` properties are its recorded ones.
    pub fn request(
        &self,
        request_type: RequestType,
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
        let mut raw = serde_json::json!({
            "RequestType": kind,
            "ServiceToken": properties.get("ServiceToken").cloned().unwrap_or(Value::Null),
            "RequestId": request_id,
            "StackId": self.stack_id,
            "LogicalResourceId": self.logical_id,
            "ResourceType": crate::RESOURCE_TYPE,
            "ResponseURL": "",
            "ResourceProperties": properties,
        });
        if let Some(id) = id {
            raw["PhysicalResourceId"] = serde_json::json!(id);
        }
        if let Some(old) = &old {
            raw["OldResourceProperties"] = old.clone();
        }
        let region = stack_region(&self.stack_id);
        Request {
            request_type,
            ids: Ids {
                request_id: request_id.to_owned(),
                stack_id: self.stack_id.clone(),
                logical_resource_id: self.logical_id.clone(),
                response_url: String::new(),
            },
            physical_resource_id: id.map(str::to_owned),
            properties: Declared::read(raw["ResourceProperties"].clone(), region),
            old_properties: old.map(|old| Declared::read(old, region)),
            raw,
        }
    }
}

impl Request {
    /// Whether the request is the REST API's (its owner is a Lambda function, not a stack):
    /// it has no ResponseURL, and its continuations answer nowhere.
    pub fn is_api_owned(&self) -> bool {
        self.ids.stack_id.split(':').nth(2) == Some("lambda")
    }

    /// Whether the request is a sync's Update ([`SYNC_REQUEST_PREFIX`]): it has no
    /// ResponseURL, and its continuations answer nowhere but the log.
    pub fn is_sync(&self) -> bool {
        self.ids.request_id.starts_with(SYNC_REQUEST_PREFIX)
    }

    /// The stack's region, the default for `SsmRegions`.
    pub fn stack_region(&self) -> &str {
        stack_region(&self.ids.stack_id)
    }

    /// The id to answer with when nothing was created.
    pub fn not_created_id(&self) -> String {
        not_created_id(&self.ids)
    }

    /// The `CallerReference` of the distribution this request creates: the same for a
    /// redelivered event, different for every other request.
    pub fn caller_reference(&self) -> String {
        let mut hash = Sha256::new();
        for part in [
            &self.ids.stack_id,
            &self.ids.logical_resource_id,
            &self.ids.request_id,
        ] {
            hash.update(part.as_bytes());
            hash.update([0]);
        }
        let digest = hash.finalize();
        let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        format!("cfclone-{hex}")
    }

    /// A digest of the declared properties (SHA-256, hex): the same for the same properties
    /// in any order (serde_json's maps are sorted by key), different for any other value.
    pub fn fingerprint(&self) -> String {
        let properties = self.raw.get("ResourceProperties").unwrap_or(&Value::Null);
        let digest = Sha256::digest(properties.to_string().as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The tags that mark a clone as this resource's.
    pub fn ownership_tags(&self) -> [(String, String); 2] {
        [
            (OWNER_STACK_TAG.to_owned(), self.ids.stack_id.clone()),
            (
                OWNER_LOGICAL_ID_TAG.to_owned(),
                self.ids.logical_resource_id.clone(),
            ),
        ]
    }

    /// Whether a distribution with these tags is this resource's.
    pub fn owns(&self, tags: &[(String, String)]) -> bool {
        self.ownership_tags()
            .iter()
            .all(|owned| tags.contains(owned))
    }

    /// The continuation payload that carries this request on in a fresh invocation.
    pub fn continuation(&self, continuation: Continuation) -> Vec<u8> {
        serde_json::to_vec(&Envelope {
            continuation,
            event: self.raw.clone(),
        })
        .expect("JSON values always serialize")
    }
}

/// The id to answer with when nothing was created.
pub fn not_created_id(ids: &Ids) -> String {
    format!("{NOT_CREATED_PREFIX}{}", ids.request_id)
}

#[cfg(test)]
mod tests;
