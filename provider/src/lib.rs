//! cfclone: clone a reference CloudFront distribution as a CloudFormation custom resource
//! (`Custom::ClonedDistribution`).
//!
//! The pure core — [`properties`], [`plan`], [`certificates`] — decides; the [`aws`]
//! adapters talk to AWS; [`lifecycle`] runs Create, Update and Delete over them;
//! [`handler`] wraps it all so that every request gets exactly one [`response`].

pub mod aws;
pub mod certificates;
pub mod cli;
pub mod handler;
pub mod lifecycle;
pub mod plan;
pub mod properties;
pub mod response;
pub mod setup;

/// The CloudFormation resource type this provider serves.
pub const RESOURCE_TYPE: &str = "Custom::ClonedDistribution";
