//! CloudFormation's side of a custom resource: events shaped as CloudFormation sends
//! them, each with a pre-signed S3 `ResponseURL` on a versioned bucket in moto, and the
//! responses read back from that bucket — every version, so that a second response to
//! the same request is seen.

use crate::aws::Aws;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::types::{BucketLocationConstraint, BucketVersioningStatus};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::time::Duration;

/// The resource type every event carries.
pub const RESOURCE_TYPE: &str = "Custom::ClonedDistribution";

/// A stack: its name and its ARN.
#[derive(Debug, Clone)]
pub struct Stack {
    pub name: String,
    pub id: String,
    pub region: String,
}

/// One custom resource request.
#[derive(Debug, Clone)]
pub struct Event {
    /// The JSON CloudFormation sends to the function.
    pub body: Value,
    /// The S3 key its ResponseURL points at.
    pub key: String,
}

impl Event {
    fn field(&self, name: &str) -> &str {
        self.body[name].as_str().unwrap_or_default()
    }

    pub fn request_type(&self) -> &str {
        self.field("RequestType")
    }

    pub fn request_id(&self) -> &str {
        self.field("RequestId")
    }

    pub fn response_url(&self) -> &str {
        self.field("ResponseURL")
    }

    /// The ResponseURL's query string (its signature: a credential).
    pub fn response_url_query(&self) -> &str {
        self.response_url()
            .split_once('?')
            .map_or("", |(_, query)| query)
    }

    pub fn properties(&self) -> &Value {
        &self.body["ResourceProperties"]
    }

    /// The event with the ResponseURL's query string replaced, for printing.
    pub fn redacted(&self) -> Value {
        let mut body = self.body.clone();
        if let Some((base, _)) = self.response_url().split_once('?') {
            body["ResponseURL"] = Value::String(format!("{base}?…(pre-signed, redacted)"));
        }
        body
    }
}

/// One response, as CloudFormation reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: String,
    pub reason: Option<String>,
    pub physical_resource_id: String,
    pub stack_id: String,
    pub request_id: String,
    pub logical_resource_id: String,
    pub no_echo: bool,
    pub data: BTreeMap<String, String>,
    /// The whole body.
    pub body: Value,
    /// Its size in bytes.
    pub size: usize,
    /// The `Content-Type` the provider sent with the PUT (as S3 stored it).
    pub content_type: Option<String>,
}

impl Response {
    fn parse(bytes: &[u8], content_type: Option<String>) -> Self {
        let body: Value = serde_json::from_slice(bytes).unwrap_or_else(|e| {
            panic!(
                "the response is not JSON ({e}): {}",
                String::from_utf8_lossy(bytes)
            )
        });
        let text = |k: &str| body[k].as_str().unwrap_or_default().to_owned();
        let data = body["Data"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().map_or(v.to_string(), str::to_owned)))
                    .collect()
            })
            .unwrap_or_default();
        Self {
            status: text("Status"),
            reason: body["Reason"].as_str().map(str::to_owned),
            physical_resource_id: text("PhysicalResourceId"),
            stack_id: text("StackId"),
            request_id: text("RequestId"),
            logical_resource_id: text("LogicalResourceId"),
            no_echo: body["NoEcho"].as_bool().unwrap_or(false),
            data,
            size: bytes.len(),
            content_type,
            body,
        }
    }

    /// The reason, or "" for none.
    pub fn reason(&self) -> &str {
        self.reason.as_deref().unwrap_or_default()
    }

    pub fn is_success(&self) -> bool {
        self.status == "SUCCESS"
    }
}

/// Every response a request received, oldest first.
#[derive(Debug, Clone)]
pub struct Responses {
    pub all: Vec<Response>,
}

impl Responses {
    /// The one response; panics unless exactly one arrived.
    #[track_caller]
    pub fn only(self) -> Response {
        assert_eq!(
            self.all.len(),
            1,
            "expected exactly one response, got {}: {:#?}",
            self.all.len(),
            self.all.iter().map(|r| &r.body).collect::<Vec<_>>()
        );
        self.all.into_iter().next().expect("one response")
    }

    pub fn len(&self) -> usize {
        self.all.len()
    }

    pub fn is_empty(&self) -> bool {
        self.all.is_empty()
    }
}

/// CloudFormation's response bucket and event factory.
pub struct CloudFormation {
    s3: aws_sdk_s3::Client,
    pub bucket: String,
    pub region: String,
    pub account: String,
    /// The provider's ARN, the events' `ServiceToken`.
    pub service_token: String,
}

impl CloudFormation {
    /// Makes the versioned response bucket.
    pub async fn new(aws: &Aws) -> Self {
        let region = crate::REGION.to_owned();
        let bucket = format!(
            "cloudformation-custom-resource-response-{}",
            region.replace('-', "")
        );
        aws.s3
            .create_bucket()
            .bucket(&bucket)
            .create_bucket_configuration(
                aws_sdk_s3::types::CreateBucketConfiguration::builder()
                    .location_constraint(BucketLocationConstraint::from(region.as_str()))
                    .build(),
            )
            .send()
            .await
            .expect("CreateBucket for the responses");
        aws.s3
            .put_bucket_versioning()
            .bucket(&bucket)
            .versioning_configuration(
                aws_sdk_s3::types::VersioningConfiguration::builder()
                    .status(BucketVersioningStatus::Enabled)
                    .build(),
            )
            .send()
            .await
            .expect("PutBucketVersioning for the responses");
        Self {
            s3: aws.s3.clone(),
            bucket,
            service_token: format!(
                "arn:aws:lambda:{region}:{}:function:{}",
                crate::ACCOUNT,
                crate::FUNCTION_NAME
            ),
            region,
            account: crate::ACCOUNT.into(),
        }
    }

    /// A stack named `name` (with a fresh stack GUID).
    pub fn stack(&self, name: &str) -> Stack {
        Stack {
            name: name.to_owned(),
            id: format!(
                "arn:aws:cloudformation:{}:{}:stack/{name}/{}",
                self.region,
                self.account,
                crate::uuid()
            ),
            region: self.region.clone(),
        }
    }

    /// A Create request.
    pub async fn create(&self, stack: &Stack, logical_id: &str, properties: Value) -> Event {
        self.event("Create", stack, logical_id, None, properties, None)
            .await
    }

    /// An Update request: `properties` are the new ones, `old_properties` the previous.
    pub async fn update(
        &self,
        stack: &Stack,
        logical_id: &str,
        physical_id: &str,
        properties: Value,
        old_properties: Value,
    ) -> Event {
        self.event(
            "Update",
            stack,
            logical_id,
            Some(physical_id),
            properties,
            Some(old_properties),
        )
        .await
    }

    /// A Delete request.
    pub async fn delete(
        &self,
        stack: &Stack,
        logical_id: &str,
        physical_id: &str,
        properties: Value,
    ) -> Event {
        self.event(
            "Delete",
            stack,
            logical_id,
            Some(physical_id),
            properties,
            None,
        )
        .await
    }

    async fn event(
        &self,
        request_type: &str,
        stack: &Stack,
        logical_id: &str,
        physical_id: Option<&str>,
        properties: Value,
        old_properties: Option<Value>,
    ) -> Event {
        let request_id = crate::uuid();
        let key = format!("{}|{logical_id}|{request_id}", stack.id);
        let url = self
            .s3
            .put_object()
            .bucket(&self.bucket)
            .key(&key)
            .presigned(
                PresigningConfig::expires_in(Duration::from_secs(7200))
                    .expect("a valid presigning duration"),
            )
            .await
            .expect("a pre-signed PUT URL")
            .uri()
            .to_owned();
        let body = event_body(
            &self.service_token,
            &url,
            &stack.id,
            Request {
                request_type,
                request_id: &request_id,
                logical_id,
                physical_id,
                properties,
                old_properties,
            },
        );
        Event { body, key }
    }

    /// Every response received for `event`, oldest first.
    pub async fn responses(&self, event: &Event) -> Responses {
        let listed = self
            .s3
            .list_object_versions()
            .bucket(&self.bucket)
            .prefix(&event.key)
            .send()
            .await
            .expect("ListObjectVersions of the responses");
        let mut versions: Vec<_> = listed
            .versions
            .unwrap_or_default()
            .into_iter()
            .filter(|v| v.key.as_deref() == Some(event.key.as_str()))
            .collect();
        // S3 lists the latest version first.
        versions.reverse();
        let mut all = Vec::with_capacity(versions.len());
        for version in versions {
            let object = self
                .s3
                .get_object()
                .bucket(&self.bucket)
                .key(&event.key)
                .set_version_id(version.version_id)
                .send()
                .await
                .expect("GetObject of a response");
            let content_type = object.content_type.clone();
            let bytes = object
                .body
                .collect()
                .await
                .expect("the response body")
                .into_bytes();
            all.push(Response::parse(&bytes, content_type));
        }
        Responses { all }
    }
}

/// What a custom resource request is about, for [`event_body`].
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub request_type: &'a str,
    pub request_id: &'a str,
    pub logical_id: &'a str,
    pub physical_id: Option<&'a str>,
    pub properties: Value,
    pub old_properties: Option<Value>,
}

/// The JSON CloudFormation sends to the function for `request`.
pub fn event_body(
    service_token: &str,
    response_url: &str,
    stack_id: &str,
    request: Request<'_>,
) -> Value {
    let mut body = json!({
        "RequestType": request.request_type,
        "ServiceToken": service_token,
        "ResponseURL": response_url,
        "StackId": stack_id,
        "RequestId": request.request_id,
        "LogicalResourceId": request.logical_id,
        "ResourceType": RESOURCE_TYPE,
        "ResourceProperties": with_service_token(service_token, request.properties),
    });
    if let Some(id) = request.physical_id {
        body["PhysicalResourceId"] = Value::String(id.to_owned());
    }
    if let Some(old) = request.old_properties {
        body["OldResourceProperties"] = with_service_token(service_token, old);
    }
    body
}

/// CloudFormation repeats `ServiceToken` among the resource's properties.
fn with_service_token(service_token: &str, properties: Value) -> Value {
    let mut map = match properties {
        Value::Object(map) => map,
        Value::Null => Map::new(),
        other => return other,
    };
    map.insert(
        "ServiceToken".into(),
        Value::String(service_token.to_owned()),
    );
    Value::Object(map)
}
