//! The harness's own Lambda behaves like Lambda where the provider's tests rely on it.

use cfclone_e2e::{Lambda, LambdaOptions, Outcome, Source};
use serde_json::json;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

/// A "function" that takes an invocation and never answers (one script for all tests).
fn stuck_function() -> PathBuf {
    static SCRIPT: OnceLock<PathBuf> = OnceLock::new();
    SCRIPT
        .get_or_init(|| {
            let path = std::env::temp_dir().join(format!(
                "cfclone-e2e-stuck-{}.sh",
                cfclone_e2e::random_hex(8)
            ));
            std::fs::write(
                &path,
                "#!/usr/bin/env bash\n\
                 exec 3<>\"/dev/tcp/${AWS_LAMBDA_RUNTIME_API%:*}/${AWS_LAMBDA_RUNTIME_API#*:}\"\n\
                 printf 'GET /2018-06-01/runtime/invocation/next HTTP/1.1\\r\\nHost: local\\r\\n\\r\\n' >&3\n\
                 exec sleep 600\n",
            )
            .unwrap();
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
            path
        })
        .clone()
}

/// The harness's Lambda running [`stuck_function`] as the function `stuck`.
async fn stuck_lambda(timeout: Duration) -> Lambda {
    Lambda::start(LambdaOptions {
        binary: stuck_function(),
        function_name: "stuck".into(),
        region: "eu-west-1".into(),
        account: "123456789012".into(),
        timeout,
        qualifier: None,
        aliases: Vec::new(),
        env: Vec::new(),
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invocation_past_its_deadline_is_killed_and_the_next_runs_in_a_fresh_process() {
    let lambda = stuck_lambda(Duration::from_secs(1)).await;

    lambda.invoke_event(json!({"n": 1}));
    lambda.invoke_event(json!({"n": 2}));
    let finished = lambda
        .wait_for(Duration::from_secs(20), |all| {
            all.len() == 2 && all.iter().all(|i| i.outcome.is_finished())
        })
        .await;

    let invocations = lambda.invocations();
    assert!(finished, "{invocations:?}");
    assert!(
        invocations
            .iter()
            .all(|i| i.outcome == Outcome::TimedOut && i.source == Source::Direct),
        "{invocations:?}"
    );
    assert!(
        lambda.processes_started() >= 3,
        "a fresh process after each timeout: {}",
        lambda.processes_started()
    );
    assert!(lambda.logs().iter().any(|l| l.contains("timed out")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_invoke_api_queues_asynchronous_invocations_of_the_function_only() {
    let lambda = stuck_lambda(Duration::from_secs(60)).await;
    let http = reqwest::Client::new();
    let url = |name: &str| {
        format!(
            "http://{}/2015-03-31/functions/{name}/invocations",
            lambda.address()
        )
    };

    let queued = http
        .post(url("stuck"))
        .header("X-Amz-Invocation-Type", "Event")
        .body(r#"{"hello":"world"}"#)
        .send()
        .await
        .unwrap();
    let unknown = http
        .post(url("someone-else"))
        .header("X-Amz-Invocation-Type", "Event")
        .body("{}")
        .send()
        .await
        .unwrap();

    assert_eq!(queued.status(), 202);
    assert_eq!(unknown.status(), 404);
    let invocations = lambda.invocations();
    assert_eq!(invocations.len(), 1);
    assert_eq!(invocations[0].source, Source::InvokeApi);
    assert_eq!(invocations[0].payload, json!({"hello": "world"}));
}
