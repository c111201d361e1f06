//! What a run measured, as written to `target/bench/results.json` (and read back by
//! `bench --render`).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// Calls by operation (`"CloudFront GetDistribution"`) and HTTP status: `{op: {status: n}}`.
pub type CallsByStatus = BTreeMap<String, BTreeMap<u16, u32>>;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Results {
    pub date: String,
    pub command: String,
    pub machine: Machine,
    pub load: String,
    pub load_end: String,
    /// The provider binary as given, and its size.
    pub binary: String,
    pub binary_bytes: u64,
    pub python: String,
    pub boto3: String,
    pub moto: String,
    /// criterion's median seconds per benchmark.
    pub criterion: BTreeMap<String, f64>,
    /// arch → `{bytes, command, note}` or `{error, command}`.
    pub zips: BTreeMap<String, Zip>,
    pub counts: Counts,
    pub calls: Option<Calls>,
    pub cold: Option<Cold>,
    pub roots: Option<Roots>,
    pub warm: Option<Warm>,
    pub warm_replay: Option<Warm>,
    pub matching: Option<Matching>,
    pub teardown: Option<Teardown>,
    pub latency: Option<Latency>,
    pub throttled: Option<Throttled>,
    pub burst: Option<Burst>,
    #[serde(default)]
    pub fleet: Option<Fleet>,
    #[serde(default)]
    pub scale: Option<Scale>,
    pub other_work: Option<OtherWork>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Machine {
    pub nproc: usize,
    pub cpu: String,
    pub memory_gib: f64,
    pub kernel: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Zip {
    pub bytes: Option<u64>,
    pub error: Option<String>,
    #[serde(default)]
    pub command: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Counts {
    pub runs: usize,
    pub warm: usize,
    pub latency_runs: usize,
    pub throttle_runs: usize,
    pub burst_rounds: usize,
}

/// One cold Create: a fresh process with the event waiting.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ColdRun {
    /// Process start → response.
    pub total_s: f64,
    /// Process start → the first `/next` (baseline: the module imported).
    pub init_s: f64,
    /// The event itself.
    pub handler_s: f64,
    pub peak_rss_kb: Option<f64>,
    pub cpu_s: Option<f64>,
    pub init_cpu_s: Option<f64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Cold {
    pub provider: Vec<ColdRun>,
    pub baseline: Vec<ColdRun>,
}

/// The provider's cold Create with other trust roots.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Roots {
    pub bundle_path: String,
    pub own_loaders: Vec<ColdRun>,
    pub one_root: Vec<ColdRun>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct WarmSide {
    /// Seconds per event.
    pub times: Vec<f64>,
    /// CPU seconds over all of them.
    pub cpu_s: f64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Warm {
    pub provider: WarmSide,
    pub baseline: WarmSide,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Calls {
    /// (the operation measured, calls by `"Service Operation"`), in the order run.
    pub counts: Vec<(String, BTreeMap<String, u32>)>,
    pub certificate_provider: String,
    pub certificate_baseline: String,
    /// The baseline's answer to the same request a second time.
    pub baseline_again: Value,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Matching {
    pub lookup_s: f64,
    pub build_and_lookup_s: f64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Teardown {
    pub deploy_s: f64,
    pub after_deployed_s: f64,
    pub delete_total_s: f64,
    pub get_distribution_calls: usize,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LatencySide {
    pub times: Vec<f64>,
    /// Each event's calls, in the order the emulator answered them.
    pub calls: Vec<Vec<String>>,
    /// The calls of one more event as rounds (calls of a round were in flight together).
    pub rounds: Vec<Vec<String>>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Latency {
    pub ms: u64,
    pub provider: LatencySide,
    pub baseline: LatencySide,
}

/// One throttled Create, or one process of a burst.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Run {
    /// Process start → response; `None`: no answer.
    pub total_s: Option<f64>,
    /// `SUCCESS`, `FAILED`, `NO ANSWER`, `CRASHED`.
    pub status: String,
    pub reason: Option<String>,
}

impl Run {
    pub fn succeeded(&self) -> bool {
        self.status == "SUCCESS"
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ThrottledRun {
    pub run: Run,
    pub faults_left: u64,
    pub calls: CallsByStatus,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Throttled {
    pub provider: Vec<ThrottledRun>,
    pub baseline: Vec<ThrottledRun>,
    /// Faulty answers armed per run.
    pub armed: u64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BurstRound {
    pub provider: Vec<Run>,
    pub provider_faults_left: u64,
    pub provider_calls: CallsByStatus,
    pub baseline: Vec<Run>,
    pub baseline_faults_left: u64,
    pub baseline_calls: CallsByStatus,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Burst {
    pub size: usize,
    pub timeout_s: u64,
    pub armed: u64,
    pub rounds: Vec<BurstRound>,
}

/// CPU time of every process not the run's, while it ran.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct OtherWork {
    pub wall_s: f64,
    /// (command, CPU seconds), most first.
    pub cpu_s: Vec<(String, f64)>,
}

/// The fleet's measurements ([`super::fleet`]).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Fleet {
    /// Clones in the fleet.
    pub size: usize,
    pub latency_ms: u64,
    /// The CLI's pause between two looks at a deploying clone.
    pub poll_ms: u64,
    pub creates: FleetCreates,
    pub sync: FleetSync,
    /// Distributions in the account when `plan` ran (ListDistributions pages of 100).
    #[serde(default)]
    pub account_distributions: usize,
    pub diff: CliRuns,
    pub plan: CliRuns,
}

/// `size` concurrent Creates, each side.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FleetCreates {
    pub armed: u64,
    pub timeout_s: u64,
    /// The whole burst: first start → last answer.
    pub provider_s: f64,
    pub provider: Vec<Run>,
    pub provider_faults_left: u64,
    pub provider_calls: CallsByStatus,
    /// Distributions the burst added.
    pub provider_made: usize,
    /// Clones `cfclone list --reference` shows in sync afterwards.
    pub listed_in_sync: usize,
    /// Whether those are exactly the clones the Creates answered with.
    pub listed_same: bool,
    pub baseline_s: f64,
    pub baseline: Vec<Run>,
    pub baseline_faults_left: u64,
    pub baseline_calls: CallsByStatus,
    pub baseline_made: usize,
}

/// `cfclone sync --reference` of the fleet after an edit of the reference.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FleetSync {
    pub wave: usize,
    pub armed: u64,
    /// Clones `cfclone list` showed out of sync before.
    pub stale_before: usize,
    pub seconds: f64,
    pub exit_code: i32,
    pub faults_left: u64,
    pub calls: CallsByStatus,
    /// Clones the sync reported updated.
    pub updated: usize,
    pub in_sync_after: usize,
    /// Whether the clones listed after are exactly the fleet.
    pub same_clones: bool,
    /// Distributions made (or removed, negative) by the sync.
    pub distributions_changed_by: i64,
}

/// Runs of one read-only CLI command.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CliRuns {
    pub runs: usize,
    /// Spawn → exit, per run.
    pub times: Vec<f64>,
    /// Calls of all runs together, by `"Service Operation"`.
    pub calls: BTreeMap<String, u32>,
    /// The calls of one more run as rounds (calls of a round were in flight together).
    pub rounds: Vec<Vec<String>>,
}

/// The fleet at scale ([`super::scale`]).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Scale {
    pub latency_ms: u64,
    pub wave: usize,
    pub rows: Vec<ScaleRow>,
    #[serde(default)]
    pub sustained: Option<Sustained>,
}

/// A large fleet's sync while CloudFront answers at most `rate` calls a second.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Sustained {
    pub clones: usize,
    pub account: usize,
    /// CloudFront's calls a second (every operation, one bucket) and the bucket's size.
    pub rate: f64,
    pub burst: f64,
    pub sync: ScaleSync,
}

/// One fleet in its account.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ScaleRow {
    pub clones: usize,
    /// Distributions in the account, the clones included.
    pub account: usize,
    /// `cfclone list --reference`: through the index.
    pub list: ScaleList,
    /// `cfclone list --reference --scan`: every distribution's tags.
    pub scan: ScaleList,
    pub sync: ScaleSync,
    pub throttled_sync: ScaleSync,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ScaleList {
    pub seconds: f64,
    pub calls: CallsByStatus,
    pub rounds: usize,
    /// Clones listed.
    pub listed: usize,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ScaleSync {
    pub seconds: f64,
    pub exit_code: i32,
    /// Throttles armed.
    pub armed: u64,
    pub calls: CallsByStatus,
    pub updated: usize,
    pub failed: usize,
}
