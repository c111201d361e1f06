//! cfclone: clone a reference CloudFront distribution as a CloudFormation custom resource
//! (`Custom::ClonedDistribution`).
//!
//! The pure core — [`properties`], [`plan`], [`compare`], [`certificates`] — decides; the [`aws`]
//! adapters talk to AWS; [`lifecycle`] runs Create, Update and Delete over them;
//! [`handler`] wraps it all so that every request gets exactly one [`response`].

pub mod aws;
pub mod certificates;
pub mod cli;
pub mod compare;
pub mod handler;
pub mod lifecycle;
pub mod plan;
pub mod properties;
pub mod response;
pub mod setup;

/// The CloudFormation resource type this provider serves.
pub const RESOURCE_TYPE: &str = "Custom::ClonedDistribution";

/// An error and its sources, joined by `: `: the whole reason in one line (a TLS failure
/// hides two levels below "error sending request").
pub(crate) fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(e) = source {
        let next = e.to_string();
        if !next.is_empty() && !text.ends_with(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = e.source();
    }
    text
}
