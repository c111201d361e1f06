//! The commands and their arguments (clap), each a thin shell over the library.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const EXIT_CODES: &str = "\
Exit status:
  0  success; for diff: the clone is in sync
  1  for diff: differences found; for sync: a clone was skipped (edited by hand) or
     --dry-run found changes; for certificates: none covers every alias; for plan: a
     finding blocks the clone (an alias in use, a quota passed); for invoke: the
     provider answered FAILED
  2  an error: bad arguments, an AWS call failed, a clone could not be synced

Credentials and endpoints come from the standard AWS environment and shared config files,
as for the AWS CLI (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, ...).";

#[derive(Debug, Parser)]
#[command(
    name = "cfclone",
    version,
    about = "Clone a reference CloudFront distribution, and keep the clones in step with it",
    long_about = "cfclone: the operator's tool for clones of a reference CloudFront distribution \
made by Custom::ClonedDistribution. It shows what the fleet looks like (list), what a sync \
would change on a clone and why (diff: the reference moved on, or the clone was edited by \
hand), brings clones up to date (sync), and prints a reference's content revision \
(revision) for pipelines that pass it as ReferenceRevision.",
    after_help = EXIT_CODES
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// The AWS region of the SDK's clients (CloudFront is global; clone records and ACM
    /// certificates are read in us-east-1 whatever this says).
    #[arg(long, global = true)]
    pub region: Option<String>,
    /// A named profile from the shared AWS config and credentials files.
    #[arg(long, global = true)]
    pub profile: Option<String>,
    /// How results are printed.
    #[arg(long, global = true, value_enum, default_value_t = Output::Table)]
    pub output: Output,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// Aligned columns and readable diffs, for a terminal.
    Table,
    /// One JSON document, for scripts.
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every clone cfclone manages, with its reference, owner, aliases, status and
    /// whether it is in sync. Clones are found through cfclone's index, their records
    /// (`/cfclone/records/` in us-east-1, read in pages of ten), and each is read once: the
    /// cost grows with the clones, not with the account's distributions.
    List {
        /// Only the clones of this reference distribution.
        #[arg(long, value_name = "DISTRIBUTION_ID")]
        reference: Option<String>,
        /// Find the clones by the ownership tags of every distribution in the account
        /// instead (one ListTagsForResource each): this also finds a clone made by a
        /// cfclone older than its records, and names it with the way to give it one.
        #[arg(long)]
        scan: bool,
    },
    /// Show, field by field, what a sync would change on a clone now, split into "the
    /// reference moved on" and "edited by hand" (drift). Exit 0 in sync, 1 differences,
    /// 2 error: usable as a CI gate.
    Diff {
        /// The clone's distribution id.
        #[arg(value_name = "CLONE_ID")]
        clone: String,
    },
    /// Bring clones up to date with their reference: the same Update a CloudFormation
    /// update of each clone's resource would run, a wave of clones at a time. A clone
    /// edited by hand is skipped unless --force.
    Sync {
        /// The clones to sync.
        #[arg(value_name = "CLONE_ID", conflicts_with = "reference")]
        clones: Vec<String>,
        /// Sync every clone of this reference distribution.
        #[arg(long, value_name = "DISTRIBUTION_ID")]
        reference: Option<String>,
        /// Show what would change; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// How many clones are updated at the same time; a wave with a failure is the
        /// last (CloudFront throttles its control plane, and throttled calls are retried).
        #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=50))]
        wave: u16,
        /// Overwrite clones edited by hand, too.
        #[arg(long)]
        force: bool,
        /// How long the whole sync may take, in seconds.
        #[arg(long, value_name = "SECONDS", default_value_t = 3600)]
        timeout: u64,
    },
    /// A dry run: the configuration a clone would get, as the fields it changes against the
    /// reference, the certificate it would use, and what to check first: aliases other
    /// distributions and distribution tenants hold, in this account or any other (asked
    /// through ListDomainConflicts when the reference carries the clone's certificate, else
    /// found by listing this account's distributions), quotas within 10% or passed,
    /// permissions the reference needs, S3 buckets whose policy must allow the clone. Writes
    /// nothing. Exit 1 when a finding blocks the clone.
    Plan {
        /// The resource's properties as JSON: an object of properties, or a template whose
        /// Custom::ClonedDistribution resource is used (see --resource).
        #[arg(long, value_name = "FILE")]
        properties: Option<PathBuf>,
        /// The resource to use when the template has several.
        #[arg(long, value_name = "LOGICAL_ID", requires = "properties")]
        resource: Option<String>,
        /// ReferenceDistributionId (overrides the file).
        #[arg(long, value_name = "DISTRIBUTION_ID")]
        reference: Option<String>,
        /// An alias (repeat for several; replaces the file's Aliases).
        #[arg(long = "alias", value_name = "DOMAIN")]
        aliases: Vec<String>,
        /// OriginDomainName (overrides the file).
        #[arg(long, value_name = "DOMAIN")]
        origin_domain_name: Option<String>,
        /// The stack's region, the default of SsmRegions.
        #[arg(long, value_name = "REGION", default_value = "us-east-1")]
        stack_region: String,
        /// Also list the account's distributions (a call per 100) to check the distributions
        /// quota. Without it they are listed only when CloudFront's answers need it: an
        /// alias it could not be asked about, or a conflict to name.
        #[arg(long)]
        list_account: bool,
    },
    /// Show which ACM certificate (us-east-1) a clone with these aliases would get, and why
    /// each other certificate would not do (not issued, expired, key type, private CA,
    /// wildcard depth, names not covered). Exit 0 when one covers every alias, 1 when none.
    Certificates {
        /// An alias of the clone; repeat for several.
        #[arg(long = "alias", value_name = "DOMAIN", required = true)]
        aliases: Vec<String>,
    },
    /// Print a content hash of a reference's configuration: unlike its ETag, it changes
    /// only when the configuration does. Pass it as a clone's ReferenceRevision so that a
    /// stack update follows reference edits.
    Revision {
        /// The reference distribution's id.
        #[arg(value_name = "DISTRIBUTION_ID")]
        reference: String,
    },
    /// Run the provider on one CloudFormation custom resource event and print the
    /// response it sent (to the event's ResponseURL, unless that is empty).
    Invoke {
        /// The event, as JSON (see examples/events/).
        #[arg(long)]
        event: PathBuf,
        /// How long the operation may take, in seconds (waits continue in-process).
        #[arg(long, default_value_t = 3600)]
        timeout: u64,
    },
    /// Print the resource's type, properties and attributes as JSON.
    Schema,
}
