//! What CloudFront's answer holds that this build's SDK drops ([`crate::members`]): an
//! interceptor keeps the raw body of a read, and the SDK serializes what it parsed again
//! (an `UpdateDistribution` stopped before it leaves the process: no call is made), so the
//! comparison is against the SDK's own model, not a list of ours.

use aws_sdk_cloudfront::config::interceptors::{
    AfterDeserializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
};
use aws_sdk_cloudfront::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_cloudfront::error::BoxError;
use aws_sdk_cloudfront::types::DistributionConfig;
use std::sync::{Arc, Mutex};

/// A body an interceptor kept: the response of a read, or a serialized request.
#[derive(Debug, Clone, Default)]
pub(super) struct Kept(Arc<Mutex<Option<String>>>);

impl Kept {
    fn keep(&self, body: Option<&[u8]>) {
        let body = body.map(|b| String::from_utf8_lossy(b).into_owned());
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = body;
    }

    pub(super) fn take(&self) -> Option<String> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

/// Keeps the raw body of the response the SDK deserialized (the last attempt's).
#[derive(Debug, Clone, Default)]
pub(super) struct RawResponse(pub(super) Kept);

impl Intercept for RawResponse {
    fn name(&self) -> &'static str {
        "cfclone-raw-response"
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.keep(context.response().body().bytes());
        Ok(())
    }
}

/// Keeps the serialized request and stops the call before anything is sent.
#[derive(Debug, Clone, Default)]
struct SerializeOnly(Kept);

impl Intercept for SerializeOnly {
    fn name(&self) -> &'static str {
        "cfclone-serialize-only"
    }

    fn read_after_serialization(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.keep(context.request().body().bytes());
        Err("serialized only: never sent".into())
    }
}

/// The members of `raw` (an answer whose configuration is at `root`) that the SDK's
/// serialization of `config`, what it parsed of `raw`, lacks. None when `raw` was not kept.
pub(super) async fn members(
    client: &aws_sdk_cloudfront::Client,
    raw: Option<String>,
    root: &str,
    config: &DistributionConfig,
) -> Vec<String> {
    let Some(raw) = raw else {
        return Vec::new();
    };
    let kept = Kept::default();
    // The error is the interceptor's stop: the body is what we came for.
    let _ = client
        .update_distribution()
        .id("serialize-only")
        .if_match("serialize-only")
        .distribution_config(config.clone())
        .customize()
        .interceptor(SerializeOnly(kept.clone()))
        .send()
        .await;
    match kept.take() {
        Some(known) => crate::members::unknown(&raw, root, &known),
        None => {
            tracing::warn!(
                "the SDK did not serialize the configuration; unknown members unchecked"
            );
            Vec::new()
        }
    }
}
