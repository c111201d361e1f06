//! Readings of a process from `/proc`: CPU time, peak memory, and the machine's
//! monotonic clock as other processes read it.

use std::time::Duration;

/// CPU time (user + system) of every live thread of `pid`, in nanoseconds as the
/// scheduler counts it (`/proc/PID/task/*/schedstat`).
pub fn cpu_time(pid: u32) -> Option<Duration> {
    let mut total = 0u64;
    for task in std::fs::read_dir(format!("/proc/{pid}/task")).ok()? {
        let path = task.ok()?.path().join("schedstat");
        let text = std::fs::read_to_string(path).ok()?;
        total += text.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(Duration::from_nanos(total))
}

/// `utime + stime` of the whole thread group (`/proc/PID/stat`), in clock ticks.
pub fn cpu_ticks(pid: u32) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat_ticks(&text).map(|(_, _, ticks)| ticks)
}

/// `(command, parent pid, utime + stime)` of a `/proc/PID/stat` line.
pub fn stat_ticks(text: &str) -> Option<(String, u32, u64)> {
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    let command = text[open + 1..close].to_owned();
    let fields: Vec<&str> = text[close + 1..].split_whitespace().collect();
    let ppid = fields.get(1)?.parse().ok()?;
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((command, ppid, utime + stime))
}

/// Clock ticks per second (`sysconf(_SC_CLK_TCK)`), from the process's auxiliary vector
/// (`AT_CLKTCK`); 100 if it cannot be read.
pub fn ticks_per_second() -> u64 {
    const AT_CLKTCK: u64 = 17;
    let auxv = std::fs::read("/proc/self/auxv").unwrap_or_default();
    auxv.chunks_exact(16)
        .map(|pair| {
            let word = |b: &[u8]| u64::from_ne_bytes(b.try_into().unwrap_or([0; 8]));
            (word(&pair[..8]), word(&pair[8..]))
        })
        .find(|(key, _)| *key == AT_CLKTCK)
        .map_or(100, |(_, value)| value)
}

/// A field of `/proc/PID/status` in kB (e.g. `VmHWM`, the peak resident set).
pub fn status_kb(pid: u32, field: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    text.lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
}

/// `CLOCK_MONOTONIC` in seconds: the clock Python's `time.monotonic()` reads, so that a
/// child's timestamps can be set against the moment it was started.
///
/// On Linux `std::time::Instant` is a `CLOCK_MONOTONIC` reading, and its `Debug` shows the
/// raw `tv_sec` and `tv_nsec` (the workspace forbids the `unsafe` a direct
/// `clock_gettime` would take). [`check_monotonic`] confirms it against Python's clock.
pub fn monotonic_s() -> f64 {
    instant_seconds(std::time::Instant::now()).expect("Instant's Debug shows tv_sec and tv_nsec")
}

/// The `CLOCK_MONOTONIC` reading of an `Instant`, in seconds.
pub fn instant_seconds(instant: std::time::Instant) -> Option<f64> {
    let text = format!("{instant:?}");
    let field = |name: &str| -> Option<f64> {
        let rest = text.split_once(&format!("{name}: "))?.1;
        rest.split(|c: char| !c.is_ascii_digit())
            .next()?
            .parse()
            .ok()
    };
    Some(field("tv_sec")? + field("tv_nsec")? / 1e9)
}

/// Whether `python`'s `time.monotonic()`, read by a child, falls between two readings of
/// [`monotonic_s`] around it.
pub fn check_monotonic(python: &std::path::Path) -> Result<(), String> {
    let before = monotonic_s();
    let out = std::process::Command::new(python)
        .args(["-c", "import time; print(time.monotonic())"])
        .output()
        .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
    let after = monotonic_s();
    let theirs: f64 = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .map_err(|e| format!("Python printed no clock reading: {e}"))?;
    if before <= theirs && theirs <= after {
        Ok(())
    } else {
        Err(format!(
            "Python's monotonic clock ({theirs}) is not between this process's readings ({before}, {after})"
        ))
    }
}
