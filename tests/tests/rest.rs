//! The REST front through the real provider binary against the strict emulator: API Gateway
//! proxy events (as the Cognito authorizer passes them) in, proxy responses out; the reads
//! go through the real SDK, and an unknown distribution is the emulator's NoSuchDistribution.

use cfclone_e2e::{Harness, Reference, props, random_hex, seed};
use serde_json::{Value, json};

/// An API Gateway REST API proxy event with the authorizer's claims (`scope`), or none.
fn event(method: &str, path: &str, scope: Option<&str>, body: Option<Value>) -> Value {
    let mut event = json!({
        "resource": path, "path": path, "httpMethod": method,
        "headers": {"content-type": "application/json"}, "multiValueHeaders": {},
        "queryStringParameters": null, "multiValueQueryStringParameters": null,
        "pathParameters": null, "stageVariables": null,
        "requestContext": {
            "accountId": "123456789012", "resourceId": "abc123", "stage": "prod",
            "requestId": "e2e-req", "httpMethod": method, "path": format!("/prod{path}"),
            "identity": {"sourceIp": "192.0.2.1"}, "apiId": "api123",
        },
        "body": body.map(|b| b.to_string()), "isBase64Encoded": false,
    });
    if let Some(scope) = scope {
        event["requestContext"]["authorizer"] =
            json!({"claims": {"scope": scope, "token_use": "access"}});
    }
    event
}

/// The reference, and a certificate for shop.example.com and its subdomains.
async fn seeded(h: &Harness) -> Reference {
    let reference = h.seed_reference().await;
    h.issue_certificate("shop.example.com", &["*.shop.example.com"])
        .await;
    reference
}

/// The status and the JSON body of the proxy response the function returned.
async fn call(h: &Harness, event: Value) -> (u64, Value) {
    let response = h.invoke(event).await;
    assert_eq!(response["headers"]["x-request-id"], "e2e-req", "{response}");
    let body = serde_json::from_str(response["body"].as_str().expect("a body")).expect("JSON");
    (response["statusCode"].as_u64().expect("a status"), body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_lists_shows_diffs_and_plans_clones_over_the_real_sdk() {
    let h = Harness::start().await;
    let reference = seeded(&h).await;
    let create = h
        .create("Shop", props(&reference.id, &["shop.example.com"]))
        .await;
    let response = h.send(&create).await.only();
    assert_eq!(response.status, "SUCCESS", "{}", response.reason());
    let clone = response.physical_resource_id.clone();
    let read = Some("clones/read");

    let (status, body) = call(&h, event("GET", "/clones", read, None)).await;
    assert_eq!(status, 200, "{body}");
    let ids: Vec<&str> = body["clones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["distributionId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [clone.as_str()]);
    assert_eq!(body["requestId"], "e2e-req");

    h.aws
        .edit(&reference.id, |c| {
            c.default_root_object = Some("home.html".into())
        })
        .await;
    let (status, body) = call(
        &h,
        event("GET", &format!("/clones/{clone}/diff"), read, None),
    )
    .await;
    assert_eq!((status, &body["sync"]), (200, &json!("stale")), "{body}");
    assert_eq!(body["differences"][0]["field"], "DefaultRootObject");

    let plan =
        json!({"ReferenceDistributionId": reference.id, "Aliases": ["www.shop.example.com"]});
    let (status, body) = call(&h, event("POST", "/plan", read, Some(plan))).await;
    assert_eq!((status, &body["blocked"]), (200, &json!(false)), "{body}");

    // The emulator's NoSuchDistribution, through the SDK, is a 404 problem.
    let (status, body) = call(&h, event("GET", "/clones/EUNKNOWN12345", read, None)).await;
    assert_eq!(
        (status, &body["title"]),
        (404, &json!("Not found")),
        "{body}"
    );
    // No claims: refused before any AWS call.
    let (status, _) = call(&h, event("GET", "/clones", None, None)).await;
    assert_eq!(status, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_makes_clones_it_owns_and_a_retry_gets_the_same_one() {
    let h = Harness::start().await;
    let reference = seeded(&h).await;
    let write = Some("clones/write");

    let body = json!({"ReferenceDistributionId": reference.id, "Aliases": ["api.shop.example.com"], "OriginDomainName": "api-origin.example.net"});
    let mut create = event("POST", "/clones", write, Some(body));
    create["headers"]["Idempotency-Key"] = json!("shop-api-1");
    let (status, made) = call(&h, create.clone()).await;
    assert_eq!(status, 201, "{made}");
    let id = made["distributionId"].as_str().unwrap().to_owned();
    let clone = h.aws.distribution(&id).await.expect("the clone exists");
    assert_eq!(clone.aliases(), ["api.shop.example.com"]);
    let tags = h.aws.tags(&clone.arn).await;
    assert_eq!(
        tags["cfclone:stack-id"],
        h.lambda.function_arn(),
        "{tags:?}"
    );
    assert_eq!(tags["cfclone:logical-id"], "api-shop-api-1");

    let before = h.aws.distribution_ids().await.len();
    let (status, again) = call(&h, create).await;
    assert_eq!(
        (status, &again["distributionId"]),
        (201, &json!(id)),
        "{again}"
    );
    assert_eq!(
        h.aws.distribution_ids().await.len(),
        before,
        "no second clone"
    );

    // The article's call, as its clients make it.
    let mut original = event("GET", "/clone_distribution", write, None);
    original["queryStringParameters"] = json!({"domain": "news.shop.example.com", "origin": "news-origin.example.net", "ref_dist": reference.id});
    let (status, body) = call(&h, original).await;
    assert_eq!(status, 200, "{body}");
    let news = h
        .aws
        .distribution(body["distributionId"].as_str().unwrap())
        .await
        .expect("made");
    assert_eq!(news.aliases(), ["news.shop.example.com"]);
    assert_eq!(body["requestId"], "e2e-req");
}

/// Over HTTP, as a program calls it: the local gateway turns each request into the proxy
/// event API Gateway sends, with the authorizer's claims when the request is authorised.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_answers_a_real_http_client() {
    let h = std::sync::Arc::new(Harness::start().await);
    let reference = seeded(&h).await;
    let (address, server) = cfclone_e2e::gateway::serve_api(
        std::sync::Arc::clone(&h),
        cfclone_e2e::gateway::ALL_SCOPES,
    )
    .await;
    let base = format!("http://{address}");
    let http = reqwest::Client::new();

    let created = http
        .post(format!("{base}/clones"))
        .header("Authorization", "Bearer local")
        .header("Idempotency-Key", "http-1")
        .json(
            &json!({"ReferenceDistributionId": reference.id, "Aliases": ["http.shop.example.com"]}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    assert_eq!(created.headers()["content-type"], "application/json");
    let made: Value = created.json().await.unwrap();
    let id = made["distributionId"].as_str().unwrap().to_owned();

    let listed: Value = http
        .get(format!("{base}/clones"))
        .header("Authorization", "Bearer local")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        listed["clones"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["distributionId"] == id.as_str()),
        "{listed}"
    );

    let original = http
        .get(format!("{base}/clone_distribution?domain=old.shop.example.com&origin=old-origin.example.net&ref_dist={}", reference.id))
        .header("Authorization", "Bearer local")
        .send()
        .await
        .unwrap();
    assert_eq!(original.status(), 200);
    let body: Value = original.json().await.unwrap();
    assert!(
        body["distributionId"].is_string() && body["requestId"].is_string(),
        "{body}"
    );

    let refused = http.get(format!("{base}/clones")).send().await.unwrap();
    assert_eq!(refused.status(), 401);
    assert_eq!(
        refused.headers()["content-type"],
        "application/problem+json"
    );
    server.abort();
}

/// The API's Update and Delete through the real binary: in place; disable, wait (handed on to fresh invocations
/// when CloudFront takes longer than an API request may), delete, remove the outputs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_changes_and_deletes_the_clones_it_made_and_no_stacks() {
    let h = Harness::start().await;
    let reference = seeded(&h).await;
    let stack_clone = h
        .create("Shop", props(&reference.id, &["shop.example.com"]))
        .await;
    let stack_clone = h
        .send(&stack_clone)
        .await
        .only()
        .physical_resource_id
        .clone();
    let write = Some("clones/write");
    let body = json!({"ReferenceDistributionId": reference.id, "Aliases": ["gone.shop.example.com"], "SsmParameterPrefix": "/cfclone/gone"});
    let (status, made) = call(&h, event("POST", "/clones", write, Some(body))).await;
    assert_eq!(status, 201, "{made}");
    let id = made["distributionId"].as_str().unwrap().to_owned();
    assert!(
        !h.aws
            .parameters("eu-west-1", "/cfclone/gone")
            .await
            .is_empty()
    );

    let (status, problem) = call(
        &h,
        event("DELETE", &format!("/clones/{stack_clone}"), write, None),
    )
    .await;
    assert_eq!(status, 409, "{problem}");
    assert!(
        h.aws.distribution(&stack_clone).await.is_some(),
        "a stack's clone is left alone"
    );

    // PATCH, in place, over the real SDK's ETags: the aliases change, the id does not.
    let change = json!({"Aliases": ["gone.shop.example.com", "went.shop.example.com"]});
    let (status, updated) = call(
        &h,
        event("PATCH", &format!("/clones/{id}"), write, Some(change)),
    )
    .await;
    assert_eq!(
        (status, &updated["distributionId"]),
        (200, &json!(id)),
        "{updated}"
    );
    let clone = h.aws.distribution(&id).await.expect("still there");
    assert_eq!(
        clone.aliases(),
        ["gone.shop.example.com", "went.shop.example.com"]
    );

    let (status, deleted) = call(&h, event("DELETE", &format!("/clones/{id}"), write, None)).await;
    assert!(status == 200 || status == 202, "{status} {deleted}");
    h.settle().await;
    assert!(
        h.aws.distribution(&id).await.is_none(),
        "the clone is gone\n{}",
        h.logs().join("\n")
    );
    assert!(
        h.aws
            .parameters("eu-west-1", "/cfclone/gone")
            .await
            .is_empty(),
        "its outputs are gone"
    );
    let (status, _) = call(
        &h,
        event("GET", &format!("/clones/{id}"), Some("clones/read"), None),
    )
    .await;
    assert_eq!(status, 404);
}

/// A Delete longer than an API request may take (as on AWS, where CloudFront takes minutes
/// to disable a distribution): the API answers 202 once the wait is handed on, fresh
/// invocations carry it on without a ResponseURL, and the clone goes when CloudFront is done.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_answers_202_and_hands_a_slow_delete_on() {
    let h = Harness::start_with(cfclone_e2e::Options {
        function_timeout: std::time::Duration::from_secs(6),
        poll_interval: std::time::Duration::from_millis(500),
        ..cfclone_e2e::Options::default()
    })
    .await;
    let reference = seeded(&h).await;
    let write = Some("clones/write");
    let body = json!({"ReferenceDistributionId": reference.id, "Aliases": ["slow.shop.example.com"], "SsmParameterPrefix": "/cfclone/slow"});
    let (status, made) = call(&h, event("POST", "/clones", write, Some(body))).await;
    assert_eq!(status, 201, "{made}");
    let id = made["distributionId"].as_str().unwrap().to_owned();

    h.moto
        .set_distribution_progression(cfclone_e2e::Progression::Never)
        .await;
    let invocation = h
        .lambda
        .invoke_event(event("DELETE", &format!("/clones/{id}"), write, None));
    assert!(
        h.wait_for_hand_offs(2, std::time::Duration::from_secs(40))
            .await,
        "hand-offs while CloudFront is still disabling the clone\n{}",
        h.logs().join("\n")
    );
    let answered = h
        .lambda
        .invocations()
        .into_iter()
        .find(|i| i.id == invocation)
        .map(|i| i.outcome);
    let Some(cfclone_e2e::Outcome::Response(response)) = answered else {
        panic!("the API request has not answered: {answered:?}");
    };
    assert_eq!(response["statusCode"], 202, "{response}");
    let body: Value = serde_json::from_str(response["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["status"], "Deleting");
    let clone = h.aws.distribution(&id).await.expect("not deleted yet");
    assert!(!clone.config.enabled, "disabled first");

    h.moto
        .set_distribution_progression(cfclone_e2e::Progression::Immediate)
        .await;
    h.settle().await;
    assert!(
        h.aws.distribution(&id).await.is_none(),
        "the clone is gone\n{}",
        h.logs().join("\n")
    );
    assert!(
        h.aws
            .parameters("eu-west-1", "/cfclone/slow")
            .await
            .is_empty(),
        "its outputs are gone"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quoted_key_is_the_same_key_and_another_body_with_it_is_a_422() {
    let h = Harness::start().await;
    let reference = seeded(&h).await;
    let write = Some("clones/write");
    let key = "8e03978e-40d5-43e8-bc93-6894a57f9324";
    let body = json!({"ReferenceDistributionId": reference.id, "Aliases": ["blog.shop.example.com"], "OriginDomainName": "blog-origin.example.net"});
    let mut create = event("POST", "/clones", write, Some(body));
    create["headers"]["Idempotency-Key"] = json!(format!("\"{key}\""));
    let (status, made) = call(&h, create).await;
    assert_eq!(status, 201, "{made}");
    let id = made["distributionId"].as_str().unwrap().to_owned();
    let clone = h.aws.distribution(&id).await.expect("the clone exists");
    let tags = h.aws.tags(&clone.arn).await;
    assert_eq!(tags["cfclone:logical-id"], format!("api-{key}"), "{tags:?}");
    assert_eq!(tags["cfclone:request-fingerprint"].len(), 64, "{tags:?}");

    // The bare key is the same key: the same clone.
    let body = json!({"ReferenceDistributionId": reference.id, "Aliases": ["blog.shop.example.com"], "OriginDomainName": "blog-origin.example.net"});
    let mut again = event("POST", "/clones", write, Some(body));
    again["headers"]["Idempotency-Key"] = json!(key);
    let (status, same) = call(&h, again).await;
    assert_eq!(
        (status, &same["distributionId"]),
        (201, &json!(id)),
        "{same}"
    );

    // Another body with the key: 422 naming the header, nothing made, the clone as it was.
    let before = h.aws.distribution_ids().await.len();
    h.moto.clear_calls().await;
    let other = json!({"ReferenceDistributionId": reference.id, "Aliases": ["news.shop.example.com"], "OriginDomainName": "blog-origin.example.net"});
    let mut reused = event("POST", "/clones", write, Some(other));
    reused["headers"]["Idempotency-Key"] = json!(format!("\"{key}\""));
    let (status, problem) = call(&h, reused).await;
    assert_eq!(
        (status, &problem["field"]),
        (422, &json!("Idempotency-Key")),
        "{problem}"
    );
    assert_eq!(
        h.aws.distribution_ids().await.len(),
        before,
        "no other clone"
    );
    let clone = h.aws.distribution(&id).await.unwrap();
    assert_eq!(clone.aliases(), ["blog.shop.example.com"]);
    assert_eq!(
        h.moto.count("UpdateDistribution").await,
        0,
        "the clone is not changed"
    );
    assert_eq!(h.moto.count("PutParameter").await, 0, "nor its record");
}

/// POST /plan through a reference that carries the clone's certificate: the function asks
/// CloudFront about the alias with ListDomainConflicts (granted by ClonesApi's
/// ApiPlanAliases and provider.yaml's RestApi statement: the IAM evaluation checks this
/// call), and a distribution tenant's domain blocks the plan.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_plan_finds_a_domain_a_distribution_tenant_holds() {
    let h = Harness::start().await;
    let certificate = h
        .issue_certificate("*.shop.example.com", &["shop.example.com"])
        .await;
    let mut config = seed::reference_config(&format!("wild-{}", random_hex(8)), &certificate);
    config.aliases = Some(
        aws_sdk_cloudfront::types::Aliases::builder()
            .quantity(1)
            .items("shop.example.com")
            .build()
            .expect("aliases"),
    );
    let reference = seed::distribution(&h.aws, config, &[]).await.id;
    h.moto
        .add_tenant(
            &format!("dt_{}", random_hex(27)),
            &["blog.shop.example.com"],
            "210987654321",
        )
        .await;
    h.moto.clear_calls().await;

    let plan = json!({"ReferenceDistributionId": reference, "Aliases": ["blog.shop.example.com"]});
    let (status, body) = call(&h, event("POST", "/plan", Some("clones/read"), Some(plan))).await;
    assert_eq!((status, &body["blocked"]), (200, &json!(true)), "{body}");
    let texts: Vec<&str> = body["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["kind"] == "alias-in-use")
        .map(|f| f["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts.len(), 1, "{body}");
    assert!(
        texts[0].contains("is in use by distribution tenant ")
            && texts[0].contains("in account ******654321"),
        "{}",
        texts[0]
    );
    assert_eq!(h.moto.statuses("ListDomainConflicts").await, [200]);
}
