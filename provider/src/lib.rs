//! cfclone: clone a reference CloudFront distribution, as a CloudFormation custom resource
//! (`Custom::ClonedDistribution`), from an operator CLI or a REST API — one core, thin fronts.
//!
//! The pure core decides: [`event`] and [`properties`] read the input once, [`plan`],
//! [`compare`], [`certificates`] and [`permissions`] are functions of values. The
//! [`lifecycle`] runs the operations over the [`aws`] adapters and ends in an outcome; its
//! failures stay typed ([`error`]) until [`response`] writes them. [`handler`] is the
//! CloudFormation front; [`sync`] brings clones up to date (the CLI's `sync`, and the
//! automatic sync a [`trigger`] starts); [`setup`] builds the real adapters. See
//! ARCHITECTURE.md.

pub mod aws;
pub mod certificate_request;
pub mod certificates;
pub mod compare;
pub mod error;
pub mod event;
pub mod fields;
pub mod findings;
pub mod guard;
pub mod handler;
pub mod lifecycle;
pub mod members;
pub mod permissions;
pub mod plan;
pub mod properties;
pub mod record;
pub mod report;
pub mod response;
pub mod rest;
pub mod runner;
pub mod setup;
pub mod sync;
pub mod trigger;

#[cfg(test)]
pub(crate) mod test_support;

/// The CloudFormation resource type this provider serves.
pub const RESOURCE_TYPE: &str = "Custom::ClonedDistribution";
