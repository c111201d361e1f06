//! cfclone side by side with the original Python Lambda on the project's emulator; writes
//! BENCHMARKS.md. `bash bench/run` builds what it measures and runs this; see
//! `cfclone_e2e::bench` for the pieces.
//!
//! bench --binary PATH --baseline PATH --criterion JSON --zips JSON --command TEXT
//!       --out FILE [--json-out FILE] [--logs DIR] [--runs N] [--warm N]
//!       [--latency-runs N] [--throttle-runs N] [--burst-rounds N]
//!       [--cli PATH] [--fleet N] [--provider-env KEY=VALUE]… [--only PHASE,…]
//! bench --render RESULTS_JSON --out FILE     (the report of an earlier run, measuring nothing)
//!
//! Phases: calls, cold, warm, match, teardown, latency, throttled, burst, fleet, scale.
//! --cli: the `cfclone` CLI (default: `cfclone` beside --binary, else target/release/cfclone).

use cfclone_e2e::bench::results::{Counts, Results};
use cfclone_e2e::bench::{Bench, Config, faults, fleet, log, measure, report, scale, system};
use std::path::PathBuf;
use std::process::ExitCode;

struct Args {
    config: Config,
    only: Option<Vec<String>>,
    render: Option<PathBuf>,
}

fn parse() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let mut config = Config {
        binary: PathBuf::new(),
        baseline: PathBuf::new(),
        runs: 20,
        warm: 50,
        latency_runs: 20,
        throttle_runs: 10,
        burst_rounds: 3,
        logs: PathBuf::from("target/bench/logs"),
        criterion: PathBuf::new(),
        zips: PathBuf::new(),
        command: "bench".into(),
        out: PathBuf::from("BENCHMARKS.md"),
        json_out: None,
        cli: PathBuf::new(),
        fleet: 50,
        provider_env: Vec::new(),
    };
    let (mut only, mut render) = (None, None);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        let number = |v: String| v.parse::<usize>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--binary" => config.binary = value()?.into(),
            "--baseline" => config.baseline = value()?.into(),
            "--runs" => config.runs = number(value()?)?,
            "--warm" => config.warm = number(value()?)?,
            "--latency-runs" => config.latency_runs = number(value()?)?,
            "--throttle-runs" => config.throttle_runs = number(value()?)?,
            "--burst-rounds" => config.burst_rounds = number(value()?)?,
            "--logs" => config.logs = value()?.into(),
            "--criterion" => config.criterion = value()?.into(),
            "--zips" => config.zips = value()?.into(),
            "--command" => config.command = value()?,
            "--out" => config.out = value()?.into(),
            "--json-out" => config.json_out = Some(value()?.into()),
            "--cli" => config.cli = value()?.into(),
            "--fleet" => config.fleet = number(value()?)?,
            "--provider-env" => {
                let kv = value()?;
                let (k, v) = kv.split_once('=').ok_or("--provider-env takes KEY=VALUE")?;
                config.provider_env.push((k.into(), v.into()));
            }
            "--only" => only = Some(value()?.split(',').map(str::to_owned).collect()),
            "--render" => render = Some(value()?.into()),
            "-h" | "--help" => return Err(usage()),
            other => return Err(format!("unknown argument {other}\n{}", usage())),
        }
    }
    if config.cli.as_os_str().is_empty() {
        let beside = config.binary.with_file_name("cfclone");
        config.cli = if beside.is_file() {
            beside
        } else {
            cfclone_e2e::workspace_dir().join("target/release/cfclone")
        };
    }
    Ok(Args {
        config,
        only,
        render,
    })
}

fn usage() -> String {
    include_str!("bench.rs")
        .lines()
        .skip(4)
        .take(10)
        .map(|l| l.trim_start_matches("//!").trim_start())
        .collect::<Vec<_>>()
        .join("\n")
}

fn read_json<T: serde::de::DeserializeOwned + Default>(
    path: &std::path::Path,
) -> Result<T, String> {
    if path.as_os_str().is_empty() {
        return Ok(T::default());
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The binary as the report names it: relative to the workspace when inside it.
fn shown(path: &std::path::Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    absolute
        .strip_prefix(cfclone_e2e::workspace_dir())
        .map_or_else(
            |_| absolute.display().to_string(),
            |p| p.display().to_string(),
        )
}

async fn measure_all(
    bench: &Bench,
    phases: &dyn Fn(&str) -> bool,
    r: &mut Results,
) -> Result<(), String> {
    if phases("calls") {
        r.calls = Some(measure::calls(bench).await?);
        log(&format!(
            "API calls: {:?}",
            r.calls.as_ref().map(|c| &c.counts)
        ));
    }
    if phases("cold") {
        r.cold = Some(measure::cold(bench).await?);
        r.roots = measure::roots(bench).await?;
    }
    if phases("warm") {
        r.warm = Some(measure::warm(bench).await?);
        r.warm_replay = Some(measure::warm_replay(bench).await?);
    }
    if phases("match") {
        r.matching = Some(cfclone_e2e::bench::baseline::matching(bench).await?);
    }
    if phases("teardown") {
        r.teardown = Some(measure::teardown(bench).await?);
    }
    if phases("latency") {
        r.latency = Some(faults::latency(bench).await?);
    }
    if phases("throttled") {
        r.throttled = Some(faults::throttled(bench).await?);
    }
    if phases("burst") {
        r.burst = Some(faults::burst(bench).await?);
    }
    if phases("fleet") {
        r.fleet = Some(fleet::fleet(bench).await?);
    }
    if phases("scale") {
        r.scale = Some(scale::scale(bench).await?);
    }
    Ok(())
}

async fn run(args: Args) -> Result<(), String> {
    let config = args.config;
    if let Some(saved) = args.render {
        let results: Results = read_json(&saved)?;
        std::fs::write(&config.out, report::render(&results)).map_err(|e| e.to_string())?;
        log(&format!(
            "wrote {} from {}",
            config.out.display(),
            saved.display()
        ));
        return Ok(());
    }
    for (path, what) in [
        (&config.binary, "--binary"),
        (&config.baseline, "--baseline"),
        (&config.cli, "--cli"),
    ] {
        if !path.is_file() {
            return Err(format!("{what} {} is not a file", path.display()));
        }
    }
    std::fs::create_dir_all(&config.logs).map_err(|e| e.to_string())?;
    cfclone_e2e::procfs::check_monotonic(&cfclone_e2e::moto::venv().join("bin/python"))?;
    let (python, boto3, moto) = system::versions();
    let mut r = Results {
        date: chrono_like_now(),
        command: config.command.clone(),
        machine: system::machine(),
        load: system::load(),
        binary: shown(&config.binary),
        binary_bytes: std::fs::metadata(&config.binary).map_or(0, |m| m.len()),
        python,
        boto3,
        moto,
        criterion: read_json(&config.criterion)?,
        zips: read_json(&config.zips)?,
        counts: Counts {
            runs: config.runs,
            warm: config.warm,
            latency_runs: config.latency_runs,
            throttle_runs: config.throttle_runs,
            burst_rounds: config.burst_rounds,
        },
        ..Results::default()
    };
    let other = system::OtherWorkSampler::start();
    log("starting the emulator and seeding the reference distribution and certificates");
    let bench = Bench::start(config.clone()).await;
    log(&format!(
        "reference distribution {}, {} certificates",
        bench.reference,
        bench.certificates.len()
    ));
    let only = args.only.clone();
    let phases = move |name: &str| only.as_ref().is_none_or(|o| o.iter().any(|p| p == name));
    let measured = measure_all(&bench, &phases, &mut r).await;
    drop(bench);
    r.other_work = Some(other.finish());
    r.load_end = system::load();
    if let Some(path) = &config.json_out {
        let text = serde_json::to_string_pretty(&r).map_err(|e| e.to_string())?;
        std::fs::write(path, text).map_err(|e| e.to_string())?;
    }
    measured?;
    if args.only.is_some() {
        log("a partial run (--only) writes no report");
        return Ok(());
    }
    std::fs::write(&config.out, report::render(&r)).map_err(|e| e.to_string())?;
    log(&format!("wrote {}", config.out.display()));
    Ok(())
}

/// `2026-12-01 22:29 UTC`, from the system clock.
fn chrono_like_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year}-{month:02}-{day:02} {:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60
    )
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let args = match parse() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("bench: {message}");
            return ExitCode::from(2);
        }
    };
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("bench: {message}");
            ExitCode::FAILURE
        }
    }
}
