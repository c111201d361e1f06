//! In-memory AWS for the unit tests: CloudFront ([`cloudfront`], as strict as AWS where
//! the lifecycle depends on it), ACM, SSM, CloudFormation (DescribeStacks), the provider's own
//! Lambda, and a clock that advances only when the code under test sleeps.

use super::{Adapters, AwsError, Clock, ErrorKind, Parameters, SelfInvoke};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

mod acm;
mod cloudformation;
mod cloudfront;

pub use acm::FakeAcm;
pub use cloudformation::FakeCloudFormation;
pub use cloudfront::{FakeCloudFront, as_cloudfront_returns};

/// The bundle over these fakes. The ACM fake serves Route 53's slot too: its certificates
/// are validated by the records upserted into it.
pub fn adapters(
    cf: Arc<FakeCloudFront>,
    acm: Arc<FakeAcm>,
    ssm: Arc<FakeSsm>,
    clock: Arc<FakeClock>,
    stacks: Arc<FakeCloudFormation>,
) -> Adapters {
    Adapters {
        distributions: cf,
        certificates: Arc::clone(&acm) as _,
        zones: acm,
        parameters: ssm,
        clock,
        stacks,
    }
}

pub(super) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[derive(Debug, Default)]
pub struct FakeClock {
    now_ms: AtomicU64,
}

impl FakeClock {
    pub fn at(now_ms: u64) -> Self {
        Self {
            now_ms: AtomicU64::new(now_ms),
        }
    }

    pub fn advance(&self, d: Duration) {
        self.now_ms
            .fetch_add(d.as_millis() as u64, Ordering::SeqCst);
    }
}

#[async_trait::async_trait]
impl Clock for FakeClock {
    fn now_ms(&self) -> u64 {
        self.now_ms.load(Ordering::SeqCst)
    }

    async fn sleep(&self, duration: Duration) {
        self.advance(duration);
        tokio::task::yield_now().await;
    }
}

#[derive(Debug, Default)]
pub struct FakeSsm {
    pub values: Mutex<BTreeMap<(String, String), String>>,
    /// Puts of the outputs (not of clone records) are refused.
    pub fail_puts: Mutex<bool>,
    /// Puts of clone records are refused.
    pub fail_record_puts: Mutex<bool>,
    /// `PutParameter {region} {name}` of the outputs, in the order the puts began.
    pub puts: Mutex<Vec<String>>,
    /// Each put of an output takes this long (real time) before it answers.
    pub stall_puts: Mutex<Option<Duration>>,
    /// Pages of `GetParametersByPath` answered.
    pub path_reads: Mutex<usize>,
}

impl FakeSsm {
    pub fn value(&self, region: &str, name: &str) -> Option<String> {
        lock(&self.values)
            .get(&(region.to_owned(), name.to_owned()))
            .cloned()
    }

    /// How many output parameters there are (clone records not counted).
    pub fn len(&self) -> usize {
        lock(&self.values)
            .keys()
            .filter(|(_, name)| !is_record(name))
            .count()
    }

    /// The record of clone `id`.
    pub fn record(&self, id: &str) -> Option<crate::record::Record> {
        self.value(
            crate::record::RECORD_REGION,
            &crate::record::parameter_name(id),
        )
        .map(|text| crate::record::Record::parse(&text).expect("records parse"))
    }
}

#[async_trait::async_trait]
impl Parameters for FakeSsm {
    async fn put(&self, region: &str, name: &str, value: &str) -> Result<(), AwsError> {
        let record = is_record(name);
        if !record {
            lock(&self.puts).push(format!("PutParameter {region} {name}"));
        }
        let stall = *lock(&self.stall_puts);
        if let (Some(duration), false) = (stall, record) {
            tokio::time::sleep(duration).await;
        }
        let refused = if record {
            *lock(&self.fail_record_puts)
        } else {
            *lock(&self.fail_puts)
        };
        if refused {
            return Err(AwsError::new(
                "PutParameter",
                ErrorKind::AccessDenied,
                "not authorized to perform ssm:PutParameter",
            ));
        }
        assert!(!value.is_empty(), "SSM refuses empty values ({name})");
        lock(&self.values).insert((region.to_owned(), name.to_owned()), value.to_owned());
        Ok(())
    }

    async fn get(&self, region: &str, name: &str) -> Result<Option<String>, AwsError> {
        Ok(self.value(region, name))
    }

    async fn delete(&self, region: &str, names: &[String]) -> Result<(), AwsError> {
        let mut values = lock(&self.values);
        for name in names {
            values.remove(&(region.to_owned(), name.clone()));
        }
        Ok(())
    }

    async fn under(&self, region: &str, path: &str) -> Result<Vec<(String, String)>, AwsError> {
        let values = lock(&self.values);
        let mut found = Vec::new();
        for ((r, name), value) in values.iter() {
            let direct = name
                .strip_prefix(path)
                .and_then(|rest| rest.strip_prefix('/'))
                .is_some_and(|leaf| !leaf.is_empty() && !leaf.contains('/'));
            if r == region && direct {
                found.push((name.clone(), value.clone()));
            }
        }
        // One call per page of ten, as SSM answers.
        let pages = found.len().div_ceil(10).max(1);
        *lock(&self.path_reads) += pages;
        Ok(found)
    }
}

#[derive(Debug, Default)]
pub struct FakeInvoker {
    pub payloads: Mutex<Vec<Vec<u8>>>,
    /// The function each invocation named.
    pub functions: Mutex<Vec<String>>,
    pub fail: Mutex<bool>,
    /// Each call takes this long (real time) before it answers.
    pub stall: Mutex<Option<Duration>>,
}

#[async_trait::async_trait]
impl SelfInvoke for FakeInvoker {
    async fn invoke_async(&self, function: &str, payload: Vec<u8>) -> Result<(), AwsError> {
        lock(&self.functions).push(function.to_owned());
        let stall = *lock(&self.stall);
        if let Some(duration) = stall {
            tokio::time::sleep(duration).await;
        }
        if *lock(&self.fail) {
            return Err(AwsError::new(
                "Invoke",
                ErrorKind::AccessDenied,
                "not authorized to perform lambda:InvokeFunction",
            ));
        }
        lock(&self.payloads).push(payload);
        Ok(())
    }
}

fn is_record(name: &str) -> bool {
    name.starts_with(crate::record::RECORD_PREFIX)
}
