//! The machine, its load, the versions on the baseline's side, and the other work that
//! shared the machine during the run (CPU time of every process not the run's, from /proc).

use super::results::{Machine, OtherWork};
use crate::procfs;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub fn machine() -> Machine {
    let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
    let cpu = read("/proc/cpuinfo")
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")?
                .split_once(':')
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into());
    let memory_kb: f64 = read("/proc/meminfo")
        .lines()
        .find_map(|l| {
            l.strip_prefix("MemTotal:")?
                .split_whitespace()
                .next()?
                .parse()
                .ok()
        })
        .unwrap_or(0.0);
    Machine {
        nproc: std::thread::available_parallelism().map_or(1, |n| n.get()),
        cpu,
        memory_gib: memory_kb / 1024.0 / 1024.0,
        kernel: read("/proc/sys/kernel/osrelease").trim().to_owned(),
    }
}

/// The 1, 5 and 15 minute load averages: `2.57 / 3.05 / 3.42`.
pub fn load() -> String {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let fields: Vec<&str> = text.split_whitespace().take(3).collect();
    fields.join(" / ")
}

/// (Python, boto3, moto) versions in the virtual environment.
pub fn versions() -> (String, String, String) {
    let script = "import platform, boto3, moto; print(platform.python_version(), boto3.__version__, moto.__version__)";
    let out = std::process::Command::new(crate::moto::venv().join("bin/python"))
        .args(["-c", script])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let mut parts = out.split_whitespace().map(str::to_owned);
    let mut next = || parts.next().unwrap_or_else(|| "unknown".into());
    (next(), next(), next())
}

type Sample = HashMap<u32, (String, u32, u64)>;

fn sample() -> Sample {
    let mut out = HashMap::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        if let Some(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|t| procfs::stat_ticks(&t))
        {
            out.insert(pid, stat);
        }
    }
    out
}

/// Whether `pid` is this process or one of its descendants.
fn ours(mut pid: u32, procs: &Sample) -> bool {
    let me = std::process::id();
    while pid > 1 {
        if pid == me {
            return true;
        }
        match procs.get(&pid) {
            Some((_, parent, _)) => pid = *parent,
            None => return false,
        }
    }
    false
}

/// Samples /proc every 5 s until finished.
pub struct OtherWorkSampler {
    stop: Arc<AtomicBool>,
    cpu: Arc<Mutex<BTreeMap<String, f64>>>,
    started: Instant,
    thread: std::thread::JoinHandle<()>,
}

impl OtherWorkSampler {
    pub fn start() -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let cpu = Arc::new(Mutex::new(BTreeMap::new()));
        let (stop2, cpu2) = (Arc::clone(&stop), Arc::clone(&cpu));
        let thread = std::thread::spawn(move || {
            let tick = procfs::ticks_per_second() as f64;
            let mut last = sample();
            let mut waited = Duration::ZERO;
            while !stop2.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
                waited += Duration::from_millis(100);
                if waited < Duration::from_secs(5) {
                    continue;
                }
                waited = Duration::ZERO;
                let now = sample();
                let mut cpu = cpu2.lock().unwrap_or_else(|e| e.into_inner());
                for (pid, (command, _, ticks)) in &now {
                    if ours(*pid, &now) {
                        continue;
                    }
                    let delta = match last.get(pid) {
                        Some((before, _, old)) if before == command => ticks.saturating_sub(*old),
                        _ => 0,
                    };
                    if delta > 0 {
                        *cpu.entry(command.clone()).or_insert(0.0) += delta as f64 / tick;
                    }
                }
                last = now;
            }
        });
        Self {
            stop,
            cpu,
            started: Instant::now(),
            thread,
        }
    }

    pub fn finish(self) -> OtherWork {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
        let mut cpu_s: Vec<(String, f64)> = self
            .cpu
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|(k, v)| (k.clone(), (v * 10.0).round() / 10.0))
            .collect();
        cpu_s.sort_by(|a, b| b.1.total_cmp(&a.1));
        OtherWork {
            wall_s: self.started.elapsed().as_secs_f64(),
            cpu_s,
        }
    }
}
