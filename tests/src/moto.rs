//! moto in server mode: one process per test on a free loopback port.

use serde_json::json;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// How moto moves a CloudFront distribution from `InProgress` to `Deployed`
/// (its state manager, model `cloudfront::distribution`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progression {
    /// `Deployed` at the first look.
    Immediate,
    /// `Deployed` once the distribution has been read (get, get-config, update, list)
    /// this many times since it was made. moto's default is `Manual(1)`.
    Manual(u32),
    /// Stays `InProgress` until the progression is changed.
    Never,
}

/// A running moto server, killed on drop.
pub struct Moto {
    child: Child,
    port: u16,
}

impl Moto {
    /// Starts moto on a free port and waits until it answers. The virtual environment is
    /// `<workspace>/.venv` unless `CFCLONE_VENV` names another.
    pub async fn start() -> Self {
        let server = venv().join("bin/moto_server");
        assert!(
            server.is_file(),
            "{} is missing: run `make setup` (or scripts/setup) to install moto[server] into .venv, or set CFCLONE_VENV",
            server.display()
        );
        let http = reqwest::Client::new();
        let mut last_error = String::new();
        for _ in 0..4 {
            let port = free_port();
            let mut child = Command::new(&server)
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                // Requested certificates are ISSUED at once instead of after 60 s.
                .env("MOTO_ACM_VALIDATION_WAIT", "0")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(if std::env::var_os("CFCLONE_E2E_MOTO_LOGS").is_some() {
                    Stdio::inherit()
                } else {
                    Stdio::null()
                })
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", server.display()));
            let url = format!("http://127.0.0.1:{port}/moto-api/");
            for _ in 0..300 {
                if let Ok(Some(status)) = child.try_wait() {
                    last_error = format!("moto exited with {status} on port {port}");
                    break;
                }
                if http.get(&url).send().await.is_ok() {
                    return Self { child, port };
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            if last_error.is_empty() {
                last_error = format!("moto did not answer on port {port} within 15 s");
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("{last_error}");
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT`, for `AWS_ENDPOINT_URL`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Sets how distributions progress from `InProgress` to `Deployed`. It applies to
    /// every distribution at its next status read.
    pub async fn set_distribution_progression(&self, progression: Progression) {
        let transition = match progression {
            Progression::Immediate => json!({"progression": "immediate"}),
            Progression::Manual(times) => json!({"progression": "manual", "times": times}),
            Progression::Never => json!({"progression": "manual", "times": u32::MAX}),
        };
        let response = reqwest::Client::new()
            .post(format!(
                "{}/moto-api/state-manager/set-transition",
                self.endpoint()
            ))
            .json(&json!({"model_name": "cloudfront::distribution", "transition": transition}))
            .send()
            .await
            .expect("moto's state manager answers");
        assert!(
            response.status().is_success(),
            "set-transition answered {}",
            response.status()
        );
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The virtual environment holding moto: `CFCLONE_VENV` or `<workspace>/.venv`.
pub fn venv() -> PathBuf {
    std::env::var_os("CFCLONE_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::workspace_dir().join(".venv"))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}
