//! The REST front through the handler, on in-memory AWS: the read routes, the problem
//! documents and their statuses, the authorizer's claims and scopes; and the OpenAPI
//! document against the routes.

use super::*;
use crate::aws::fake::{FakeAcm, FakeClock, FakeCloudFront};
use crate::certificates::Certificate;
use crate::handler::Handled;
use crate::lifecycle::Answer;
use crate::runner::Invocation;
use crate::test_support::{self, REFERENCE_ID};
use proptest::prelude::*;
use std::sync::Arc;

const NOW_MS: u64 = 1_800_000_000_000;
const STACK: &str = "arn:aws:cloudformation:eu-west-1:123456789012:stack/shop/1111";
const FUNCTION: &str = "arn:aws:lambda:eu-west-1:123456789012:function:cfclone";

use crate::handler::Provider;

struct Api {
    provider: Arc<Provider>,
    cf: Arc<FakeCloudFront>,
    clone: String,
}

/// The reference, a wildcard certificate and one clone, made by a CloudFormation Create.
async fn api() -> Api {
    let clock = Arc::new(FakeClock::at(NOW_MS));
    let cf = Arc::new(FakeCloudFront::new(Arc::clone(&clock)));
    cf.insert(REFERENCE_ID, test_support::reference(), vec![]);
    let acm = Arc::new(FakeAcm::default());
    let year = (NOW_MS / 1000) as i64 + 86_400 * 365;
    let wildcard = "arn:aws:acm:us-east-1:123456789012:certificate/wild";
    acm.add(
        Certificate::issued(wildcard, "*.example.com", &[], year),
        true,
    );
    let provider =
        test_support::in_process_provider(&cf, acm, clock, crate::sync::Limits::default());
    let create = json!({
        "RequestType": "Create", "RequestId": "create-1", "StackId": STACK,
        "LogicalResourceId": "Shop", "ResourceType": "Custom::ClonedDistribution", "ResponseURL": "",
        "ResourceProperties": {
            "ServiceToken": FUNCTION, "ReferenceDistributionId": REFERENCE_ID,
            "Aliases": ["shop.example.com"], "OriginDomainName": "shop.example.net",
        },
    });
    let clone = match provider.handle(create, &invocation()).await {
        Handled::Answered {
            answer: Answer::Success { physical_id, .. },
            ..
        } => physical_id,
        other => panic!("the Create failed: {other:?}"),
    };
    Api {
        provider,
        cf,
        clone,
    }
}

fn invocation() -> Invocation {
    Invocation::new(NOW_MS + 30_000, FUNCTION)
}

/// An API Gateway REST API proxy event, as the Cognito authorizer passes it on.
fn event(method: &str, path: &str, scope: Option<&str>, body: Option<&str>) -> Value {
    let mut event = json!({
        "resource": path, "path": path, "httpMethod": method,
        "headers": {"content-type": "application/json"}, "multiValueHeaders": {},
        "queryStringParameters": null, "multiValueQueryStringParameters": null,
        "pathParameters": null, "stageVariables": null,
        "requestContext": {
            "accountId": "123456789012", "resourceId": "abc123", "stage": "prod",
            "requestId": "req-1", "httpMethod": method, "path": format!("/prod{path}"),
            "identity": {"sourceIp": "192.0.2.1"}, "apiId": "api123",
        },
        "body": body, "isBase64Encoded": false,
    });
    if let Some(scope) = scope {
        event["requestContext"]["authorizer"] =
            json!({"claims": {"scope": scope, "client_id": "app", "token_use": "access"}});
    }
    event
}

const WRITE: Option<&str> = Some("clones/write");

/// Handles an event; returns the status, the content type and the JSON body.
async fn call(api: &Api, event: Value) -> (u16, String, Value) {
    match api.provider.handle(event, &invocation()).await {
        Handled::Responded { status, response } => {
            assert_eq!(response["statusCode"], status);
            assert_eq!(response["headers"]["x-request-id"], "req-1");
            let body = serde_json::from_str(response["body"].as_str().unwrap()).unwrap();
            let content_type = response["headers"]["content-type"]
                .as_str()
                .unwrap()
                .to_owned();
            (status, content_type, body)
        }
        other => panic!("not an API response: {other:?}"),
    }
}

const READ: Option<&str> = Some("clones/read");

#[tokio::test]
async fn lists_the_clones_with_their_sync_state() {
    let api = api().await;
    let (status, content_type, body) = call(&api, event("GET", "/clones", READ, None)).await;
    assert_eq!((status, content_type.as_str()), (200, "application/json"));
    assert_eq!(body["requestId"], "req-1");
    let clones = body["clones"].as_array().unwrap();
    assert_eq!(clones.len(), 1);
    assert_eq!(clones[0]["distributionId"], api.clone.as_str());
    assert_eq!(clones[0]["sync"], "in-sync");
    assert_eq!(clones[0]["owner"]["stackId"], STACK);

    let mut only_other = event("GET", "/clones", READ, None);
    only_other["queryStringParameters"] = json!({"reference": "EOTHER"});
    let (_, _, body) = call(&api, only_other).await;
    assert_eq!(body["clones"], json!([]));
}

#[tokio::test]
async fn shows_a_clone_and_what_a_sync_would_change_after_the_reference_moved_on() {
    let api = api().await;
    let path = format!("/clones/{}", api.clone);
    let (status, _, body) = call(&api, event("GET", &path, READ, None)).await;
    assert_eq!((status, &body["sync"]), (200, &json!("in-sync")));
    assert_eq!(body["aliases"], json!(["shop.example.com"]));
    assert!(body.get("differences").is_none());

    let mut moved = test_support::reference();
    moved.default_root_object = Some("home.html".into());
    api.cf.insert(REFERENCE_ID, moved, vec![]);
    let (status, _, body) = call(&api, event("GET", &format!("{path}/diff"), READ, None)).await;
    assert_eq!((status, &body["sync"]), (200, &json!("stale")));
    let fields: Vec<&str> = body["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["DefaultRootObject"]);
    assert_eq!(body["differences"][0]["cause"], "reference moved on");
}

#[tokio::test]
async fn reads_write_nothing() {
    let api = api().await;
    let before = api.cf.calls().len();
    for path in [
        "/clones".to_owned(),
        format!("/clones/{}", api.clone),
        format!("/clones/{}/diff", api.clone),
    ] {
        assert_eq!(call(&api, event("GET", &path, READ, None)).await.0, 200);
    }
    let plan = r#"{"ReferenceDistributionId": "EREFERENCE12345", "Aliases": ["blog.example.com"]}"#;
    assert_eq!(
        call(&api, event("POST", "/plan", READ, Some(plan))).await.0,
        200
    );
    let writes: Vec<String> = api.cf.calls()[before..]
        .iter()
        .filter(|c| !c.starts_with("Get") && !c.starts_with("List"))
        .cloned()
        .collect();
    assert!(writes.is_empty(), "{writes:?}");
}

#[tokio::test]
async fn an_unknown_distribution_or_one_cfclone_did_not_make_is_404() {
    let api = api().await;
    for id in ["EUNKNOWN123", REFERENCE_ID] {
        let (status, content_type, body) =
            call(&api, event("GET", &format!("/clones/{id}"), READ, None)).await;
        assert_eq!(
            (status, content_type.as_str()),
            (404, "application/problem+json")
        );
        assert_eq!(body["status"], 404);
        assert_eq!(body["requestId"], "req-1");
        assert!(body["detail"].as_str().unwrap().contains(id), "{body}");
    }
}

#[tokio::test]
async fn plans_a_clone_and_names_the_property_at_fault() {
    let api = api().await;
    let plan = r#"{"ReferenceDistributionId": "EREFERENCE12345", "Aliases": ["blog.example.com"], "OriginDomainName": "blog.example.net"}"#;
    let (status, _, body) = call(&api, event("POST", "/plan", READ, Some(plan))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["blocked"], false);
    assert_eq!(
        body["certificateArn"],
        "arn:aws:acm:us-east-1:123456789012:certificate/wild"
    );
    assert!(
        body["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["field"] == "Aliases"),
        "{body}"
    );

    // The reference does not carry the clone's certificate: the alias could not be asked
    // about, so the account was looked through (when to list: lifecycle's tests).
    assert_eq!(body["accountDistributions"], 2, "{body}");
    // A listing only needed that is denied is a finding; one asked for fails the plan.
    api.cf
        .fail_next("ListDistributions", ErrorKind::AccessDenied, "denied");
    let (status, _, unlisted) = call(&api, event("POST", "/plan", READ, Some(plan))).await;
    assert_eq!(status, 200, "{unlisted}");
    assert_eq!(unlisted["accountDistributions"], Value::Null, "{unlisted}");
    assert_eq!(unlisted["blocked"], false, "{unlisted}");
    assert!(
        unlisted["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["kind"] == "account-not-listed"),
        "{unlisted}"
    );
    api.cf
        .fail_next("ListDistributions", ErrorKind::AccessDenied, "denied");
    let mut listing = event("POST", "/plan", READ, Some(plan));
    listing["queryStringParameters"] = json!({"listAccount": "true"});
    let (status, _, problem) = call(&api, listing.clone()).await;
    assert_ne!(status, 200, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("ListDistributions"),
        "{problem}"
    );
    listing["queryStringParameters"] = json!({"listAccount": "yes"});
    let (status, _, problem) = call(&api, listing).await;
    assert_eq!((status, &problem["field"]), (400, &json!("listAccount")));

    let upper =
        r#"{"ReferenceDistributionId": "EREFERENCE12345", "Aliases": ["Blog.Example.com"]}"#;
    let (status, content_type, body) = call(&api, event("POST", "/plan", READ, Some(upper))).await;
    assert_eq!(
        (status, content_type.as_str()),
        (400, "application/problem+json")
    );
    assert_eq!(body["field"], "Aliases");

    for (body, why) in [
        (Some("[1, 2]"), "must be a JSON object"),
        (Some("{"), "not JSON"),
        (None, "must be a JSON object"),
    ] {
        let (status, _, problem) = call(&api, event("POST", "/plan", READ, body)).await;
        assert_eq!(status, 400);
        assert!(
            problem["detail"].as_str().unwrap().contains(why),
            "{problem}"
        );
    }
}

#[tokio::test]
async fn refuses_a_request_without_claims_or_without_the_scope() {
    let api = api().await;
    let (status, _, body) = call(&api, event("GET", "/clones", None, None)).await;
    assert_eq!((status, &body["title"]), (401, &json!("Unauthorized")));
    let (status, _, body) = call(&api, event("GET", "/clones", Some("clones/write"), None)).await;
    assert_eq!(status, 403);
    assert!(body["detail"].as_str().unwrap().contains("clones/read"));
    // A resource server's identifier prefixes the scope: https://api.example.com/clones/read.
    let prefixed = Some("https://api.example.com/clones/read");
    assert_eq!(
        call(&api, event("GET", "/clones", prefixed, None)).await.0,
        200
    );
}

#[tokio::test]
async fn answers_404_for_an_unknown_route_and_405_for_a_wrong_method() {
    let api = api().await;
    assert_eq!(
        call(&api, event("GET", "/distributions", READ, None))
            .await
            .0,
        404
    );
    let (status, _, body) = call(&api, event("DELETE", "/plan", READ, None)).await;
    assert_eq!(status, 405);
    assert!(body["detail"].as_str().unwrap().contains("takes POST"));
    // RFC 9110: a 405 names the methods the path takes.
    let path = format!("/clones/{}", api.clone);
    match api
        .provider
        .handle(event("PUT", &path, WRITE, None), &invocation())
        .await
    {
        Handled::Responded { status, response } => {
            assert_eq!(status, 405);
            assert_eq!(response["headers"]["allow"], "GET, PATCH, DELETE");
            let body: Value = serde_json::from_str(response["body"].as_str().unwrap()).unwrap();
            assert!(
                body["detail"]
                    .as_str()
                    .unwrap()
                    .contains("takes GET, PATCH or DELETE")
            );
        }
        other => panic!("not an API response: {other:?}"),
    }
}

#[tokio::test]
async fn refuses_a_parameter_out_of_its_domain_naming_it() {
    let api = api().await;
    let mut empty_reference = event("GET", "/clones", READ, None);
    empty_reference["queryStringParameters"] = json!({"reference": ""});
    let mut lower_ref_dist = event("POST", "/clone_distribution", WRITE, None);
    lower_ref_dist["queryStringParameters"] =
        json!({"domain": "a.example.com", "origin": "a.example.net", "ref_dist": "e2abc"});
    let mut force_maybe = event("POST", &format!("/clones/{}/sync", api.clone), WRITE, None);
    force_maybe["queryStringParameters"] = json!({"force": "yes"});
    for (event, field) in [
        (empty_reference, "reference"),
        (lower_ref_dist, "ref_dist"),
        (event("GET", "/clones/e%2F..", READ, None), "id"),
        (event("GET", "/clones/not-an-id/diff", READ, None), "id"),
        (event("POST", "/clones/e1/sync", WRITE, None), "id"),
        (force_maybe, "force"),
        (event("DELETE", "/clones/E1%20", WRITE, None), "id"),
    ] {
        let (status, content_type, body) = call(&api, event).await;
        assert_eq!(
            (status, content_type.as_str()),
            (400, "application/problem+json")
        );
        assert_eq!(body["field"], field, "{body}");
    }
    // The body's text properties and tags are JSON strings.
    for (body, field) in [
        (
            r#"{"ReferenceDistributionId": "EREFERENCE12345", "Aliases": [], "LoggingPrefix": false}"#,
            "LoggingPrefix",
        ),
        (
            r#"{"ReferenceDistributionId": 12345, "Aliases": []}"#,
            "ReferenceDistributionId",
        ),
        (
            r#"{"ReferenceDistributionId": "EREFERENCE12345", "Aliases": [], "Tags": [{"Key": "team", "Value": 7}]}"#,
            "Tags",
        ),
    ] {
        let (status, _, problem) = call(&api, event("POST", "/plan", READ, Some(body))).await;
        assert_eq!(
            (status, problem["field"].as_str()),
            (400, Some(field)),
            "{problem}"
        );
    }
    // Refused before any AWS call.
    let before = api.cf.calls().len();
    call(&api, event("GET", "/clones/e1", READ, None)).await;
    assert_eq!(api.cf.calls().len(), before);
}

#[tokio::test]
async fn makes_a_clone_owned_by_the_api_and_gives_a_retry_the_same_clone() {
    let api = api().await;
    let body = r#"{"ReferenceDistributionId": "EREFERENCE12345", "Aliases": ["blog.example.com"], "OriginDomainName": "blog.example.net"}"#;
    let mut create = event("POST", "/clones", WRITE, Some(body));
    create["headers"]["Idempotency-Key"] = json!("blog-1");
    let (status, _, made) = call(&api, create.clone()).await;
    assert_eq!(status, 201, "{made}");
    let id = made["distributionId"].as_str().unwrap().to_owned();
    assert_eq!(made["idempotencyKey"], "blog-1");
    assert!(
        made["domainName"]
            .as_str()
            .unwrap()
            .ends_with(".cloudfront.net"),
        "{made}"
    );

    let stored = api.cf.stored.lock().unwrap().get(&id).cloned().unwrap();
    let tags: Vec<(String, String)> = stored.tags.clone();
    assert!(
        tags.contains(&("cfclone:stack-id".into(), FUNCTION.into())),
        "{tags:?}"
    );
    assert!(
        tags.contains(&("cfclone:logical-id".into(), "api-blog-1".into())),
        "{tags:?}"
    );
    let config = stored.distribution.config;
    assert_eq!(config.aliases.unwrap().items.unwrap(), ["blog.example.com"]);

    // The retry: the same clone, no second distribution.
    let creates = || {
        api.cf
            .calls()
            .iter()
            .filter(|c| c.starts_with("CreateDistribution"))
            .count()
    };
    let before = creates();
    let (status, _, again) = call(&api, create).await;
    assert_eq!(
        (status, &again["distributionId"]),
        (201, &json!(id)),
        "{again}"
    );
    assert!(creates() <= before + 1);
    assert_eq!(
        api.cf.stored.lock().unwrap().len(),
        3,
        "the reference and two clones"
    );

    let (_, _, listed) = call(&api, event("GET", "/clones", READ, None)).await;
    let owners: Vec<&str> = listed["clones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["owner"]["stackId"].as_str().unwrap())
        .collect();
    assert!(
        owners.contains(&FUNCTION) && owners.contains(&STACK),
        "{owners:?}"
    );
}

#[test]
fn the_idempotency_key_is_an_sf_string_or_the_bare_key() {
    let uuid = "8e03978e-40d5-43e8-bc93-6894a57f9324";
    // The draft's own example, and the bare form this API took first: the same key.
    assert_eq!(
        idempotency_key(&format!("\"{uuid}\"")).as_deref(),
        Some(uuid)
    );
    assert_eq!(idempotency_key(uuid).as_deref(), Some(uuid));
    assert_eq!(idempotency_key(" \"blog-1\" ").as_deref(), Some("blog-1"));
    let long = "k".repeat(65);
    let long_quoted = format!("\"{long}\"");
    for refused in [
        "",
        "\"\"",
        "\"blog-1",
        "\"blog-1\";a=1",
        "\"blog-1\"x",
        "\"has space\"",
        "\"quote\\\"d\"",
        "\"bad\\escape\"",
        "\"é\"",
        "no spaces allowed",
        long.as_str(),
        long_quoted.as_str(),
    ] {
        assert_eq!(idempotency_key(refused), None, "{refused}");
    }
    assert_eq!(sf_string("a\\\\b\\\"c\"").as_deref(), Some("a\\b\"c"));
}

#[tokio::test]
async fn a_quoted_key_is_the_same_key_and_another_body_with_it_is_a_422() {
    let api = api().await;
    let body = r#"{"ReferenceDistributionId": "EREFERENCE12345", "Aliases": ["blog.example.com"], "OriginDomainName": "blog.example.net"}"#;
    let mut create = event("POST", "/clones", WRITE, Some(body));
    create["headers"]["Idempotency-Key"] = json!("\"8e03978e-40d5-43e8-bc93-6894a57f9324\"");
    let (status, _, made) = call(&api, create.clone()).await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(
        made["idempotencyKey"],
        "8e03978e-40d5-43e8-bc93-6894a57f9324"
    );
    let id = made["distributionId"].as_str().unwrap().to_owned();
    let tags = api.cf.stored.lock().unwrap()[&id].tags.clone();
    assert!(
        tags.iter()
            .any(|(k, v)| k == "cfclone:request-fingerprint" && v.len() == 64),
        "{tags:?}"
    );

    // The same key unquoted, the same body in another order: the same request.
    let reordered = r#"{"OriginDomainName": "blog.example.net", "Aliases": ["blog.example.com"], "ReferenceDistributionId": "EREFERENCE12345"}"#;
    let mut again = event("POST", "/clones", WRITE, Some(reordered));
    again["headers"]["Idempotency-Key"] = json!("8e03978e-40d5-43e8-bc93-6894a57f9324");
    let (status, _, same) = call(&api, again).await;
    assert_eq!(
        (status, &same["distributionId"]),
        (201, &json!(id)),
        "{same}"
    );

    // Another body with the key: 422, and the first clone is left as it was.
    let name = crate::record::parameter_name(&id);
    let record = || api.provider.runner.aws.parameters.get("us-east-1", &name);
    let recorded = record().await.unwrap();
    let other = r#"{"ReferenceDistributionId": "EREFERENCE12345", "Aliases": ["news.example.com"], "OriginDomainName": "blog.example.net"}"#;
    let mut reused = event("POST", "/clones", WRITE, Some(other));
    reused["headers"]["Idempotency-Key"] = create["headers"]["Idempotency-Key"].clone();
    let (status, content_type, problem) = call(&api, reused).await;
    assert_eq!(
        (status, content_type.as_str(), &problem["field"]),
        (422, "application/problem+json", &json!("Idempotency-Key")),
        "{problem}"
    );
    assert_eq!(problem["title"], "Unprocessable content");
    assert!(
        problem["detail"].as_str().unwrap().contains(&id),
        "{problem}"
    );
    assert_eq!(api.cf.stored.lock().unwrap().len(), 3, "no other clone");
    let config = api.cf.stored.lock().unwrap()[&id]
        .distribution
        .config
        .clone();
    assert_eq!(config.aliases.unwrap().items.unwrap(), ["blog.example.com"]);
    assert_eq!(record().await.unwrap(), recorded, "its record untouched");
}

#[tokio::test]
async fn answers_the_articles_call_with_the_request_and_distribution_ids() {
    let api = api().await;
    let mut original = event("GET", "/clone_distribution", WRITE, None);
    original["queryStringParameters"] = json!({"domain": "news.example.com", "origin": "news.example.net", "ref_dist": REFERENCE_ID});
    let (status, content_type, body) = call(&api, original.clone()).await;
    assert_eq!(
        (status, content_type.as_str()),
        (200, "application/json"),
        "{body}"
    );
    assert_eq!(
        body.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["distributionId", "requestId"]
    );
    let id = body["distributionId"].as_str().unwrap();
    let stored = api.cf.stored.lock().unwrap().get(id).cloned().unwrap();
    let config = stored.distribution.config;
    assert_eq!(config.aliases.unwrap().items.unwrap(), ["news.example.com"]);

    original["queryStringParameters"] =
        json!({"domain": "news.example.com", "ref_dist": REFERENCE_ID});
    let (status, _, problem) = call(&api, original).await;
    assert_eq!((status, &problem["field"]), (400, &json!("origin")));
}

#[tokio::test]
async fn refuses_a_create_without_the_write_scope_or_with_a_wait_it_cannot_hold() {
    let api = api().await;
    let body = r#"{"ReferenceDistributionId": "EREFERENCE12345", "Aliases": ["blog.example.com"]}"#;
    assert_eq!(
        call(&api, event("POST", "/clones", READ, Some(body)))
            .await
            .0,
        403
    );
    let waits = r#"{"ReferenceDistributionId": "EREFERENCE12345", "Aliases": ["blog.example.com"], "WaitForDeployment": "true"}"#;
    let (status, _, problem) = call(&api, event("POST", "/clones", WRITE, Some(waits))).await;
    assert_eq!(
        (status, &problem["field"]),
        (400, &json!("WaitForDeployment"))
    );
    let mut bad_key = event("POST", "/clones", WRITE, Some(body));
    bad_key["headers"]["Idempotency-Key"] = json!("no spaces allowed");
    let (status, _, problem) = call(&api, bad_key).await;
    assert_eq!(
        (status, &problem["field"]),
        (400, &json!("Idempotency-Key"))
    );
    // 47 tags fit beside the three an API clone carries (CloudFront holds 50); 48 do not.
    let tags: Vec<Value> = (0..48)
        .map(|i| json!({"Key": format!("k{i}"), "Value": "v"}))
        .collect();
    let tagged = json!({"ReferenceDistributionId": REFERENCE_ID, "Aliases": ["blog.example.com"], "Tags": tags}).to_string();
    let (status, _, problem) = call(&api, event("POST", "/clones", WRITE, Some(&tagged))).await;
    assert_eq!(
        (status, &problem["field"]),
        (400, &json!("Tags")),
        "{problem}"
    );
    let unknown = r#"{"ReferenceDistributionId": "EREFERENCE12345", "Aliasses": []}"#;
    let (status, _, problem) = call(&api, event("POST", "/clones", WRITE, Some(unknown))).await;
    assert_eq!(
        (status, &problem["field"]),
        (400, &json!("Aliasses")),
        "{problem}"
    );
    assert_eq!(api.cf.stored.lock().unwrap().len(), 2, "nothing was made");
}

#[tokio::test]
async fn deletes_a_clone_the_api_made_and_refuses_a_stacks() {
    let api = api().await;
    let body = r#"{"ReferenceDistributionId": "EREFERENCE12345", "Aliases": ["blog.example.com"], "SsmParameterPrefix": "/cfclone/blog"}"#;
    let (status, _, made) = call(&api, event("POST", "/clones", WRITE, Some(body))).await;
    assert_eq!(status, 201, "{made}");
    let id = made["distributionId"].as_str().unwrap().to_owned();

    // The stack's clone is its stack's to delete.
    let (status, _, problem) = call(
        &api,
        event("DELETE", &format!("/clones/{}", api.clone), WRITE, None),
    )
    .await;
    assert_eq!(status, 409, "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains(STACK),
        "{problem}"
    );
    assert!(api.cf.stored.lock().unwrap().contains_key(&api.clone));

    assert_eq!(
        call(&api, event("DELETE", &format!("/clones/{id}"), READ, None))
            .await
            .0,
        403
    );
    // In process, the Delete runs to its end (within the invocation): disabled, then deleted.
    let (status, _, deleted) =
        call(&api, event("DELETE", &format!("/clones/{id}"), WRITE, None)).await;
    assert_eq!(
        (status, &deleted["status"]),
        (200, &json!("Deleted")),
        "{deleted}"
    );
    assert!(!api.cf.stored.lock().unwrap().contains_key(&id));
    let calls = api.cf.calls();
    let disable = calls
        .iter()
        .position(|c| c.starts_with(&format!("UpdateDistribution {id}")))
        .expect("disabled first");
    let delete = calls
        .iter()
        .position(|c| c.starts_with(&format!("DeleteDistribution {id}")))
        .expect("then deleted");
    assert!(disable < delete);
    assert_eq!(
        call(&api, event("GET", &format!("/clones/{id}"), READ, None))
            .await
            .0,
        404
    );
    assert_eq!(
        call(&api, event("DELETE", "/clones/EUNKNOWN123", WRITE, None))
            .await
            .0,
        404
    );
    assert!(
        calls
            .iter()
            .all(|c| !c.contains(&format!("Distribution {REFERENCE_ID}")) || c.starts_with("Get")),
        "the reference is never written"
    );
}

#[tokio::test]
async fn changes_a_clone_the_api_made_in_place_and_no_stacks() {
    let api = api().await;
    let body = r#"{"ReferenceDistributionId": "EREFERENCE12345", "Aliases": ["blog.example.com"], "Comment": "blog"}"#;
    let (_, _, made) = call(&api, event("POST", "/clones", WRITE, Some(body))).await;
    let id = made["distributionId"].as_str().unwrap().to_owned();
    let path = format!("/clones/{id}");

    let change = r#"{"Aliases": ["blog.example.com", "news.example.com"], "Comment": null}"#;
    let (status, _, updated) = call(&api, event("PATCH", &path, WRITE, Some(change))).await;
    assert_eq!(
        (status, &updated["distributionId"]),
        (200, &json!(id)),
        "{updated}"
    );
    let config = api.cf.stored.lock().unwrap()[&id]
        .distribution
        .config
        .clone();
    assert_eq!(
        config.aliases.unwrap().items.unwrap(),
        ["blog.example.com", "news.example.com"]
    );
    assert_ne!(
        config.comment, "blog",
        "a null removes the property: the default comment"
    );
    let (_, _, state) = call(&api, event("GET", &path, READ, None)).await;
    assert_eq!(state["sync"], "in-sync", "{state}");

    let other = r#"{"ReferenceDistributionId": "EOTHER1234567"}"#;
    let (status, _, problem) = call(&api, event("PATCH", &path, WRITE, Some(other))).await;
    assert_eq!(
        (status, &problem["field"]),
        (400, &json!("ReferenceDistributionId"))
    );
    let (status, _, _) = call(
        &api,
        event(
            "PATCH",
            &format!("/clones/{}", api.clone),
            WRITE,
            Some(change),
        ),
    )
    .await;
    assert_eq!(status, 409, "a stack's clone is its stack's to change");
}

#[tokio::test]
async fn syncs_a_clone_the_api_made_and_leaves_hand_edits_unless_forced() {
    let api = api().await;
    let body = r#"{"ReferenceDistributionId": "EREFERENCE12345", "Aliases": ["blog.example.com"]}"#;
    let (_, _, made) = call(&api, event("POST", "/clones", WRITE, Some(body))).await;
    let id = made["distributionId"].as_str().unwrap().to_owned();
    let sync = format!("/clones/{id}/sync");
    let (status, _, nothing) = call(&api, event("POST", &sync, WRITE, None)).await;
    assert_eq!(
        (status, &nothing["synced"]),
        (200, &json!(false)),
        "{nothing}"
    );

    let mut moved = test_support::reference();
    moved.default_root_object = Some("home.html".into());
    api.cf.insert(REFERENCE_ID, moved, vec![]);
    let (status, _, synced) = call(&api, event("POST", &sync, WRITE, None)).await;
    assert_eq!((status, &synced["synced"]), (200, &json!(true)), "{synced}");
    assert_eq!(synced["fields"], json!(["DefaultRootObject"]));
    let root = api.cf.stored.lock().unwrap()[&id]
        .distribution
        .config
        .default_root_object
        .clone();
    assert_eq!(root.as_deref(), Some("home.html"));

    // An edit by hand is left alone unless forced.
    api.cf
        .stored
        .lock()
        .unwrap()
        .get_mut(&id)
        .unwrap()
        .distribution
        .config
        .comment = "by hand".into();
    let (status, _, problem) = call(&api, event("POST", &sync, WRITE, None)).await;
    assert_eq!(status, 409, "{problem}");
    assert!(problem["detail"].as_str().unwrap().contains("force=true"));
    let mut forced = event("POST", &sync, WRITE, None);
    forced["queryStringParameters"] = json!({"force": "true"});
    let (status, _, synced) = call(&api, forced).await;
    assert_eq!((status, &synced["synced"]), (200, &json!(true)), "{synced}");
    assert_ne!(
        api.cf.stored.lock().unwrap()[&id]
            .distribution
            .config
            .comment,
        "by hand"
    );
    // A stack's clone is its stack's to sync.
    assert_eq!(
        call(
            &api,
            event("POST", &format!("/clones/{}/sync", api.clone), WRITE, None)
        )
        .await
        .0,
        409
    );
}

#[test]
fn api_events_are_told_from_cloudformation_and_eventbridge_events() {
    assert!(is_api_event(&event("GET", "/clones", READ, None)));
    assert!(!is_api_event(
        &json!({"RequestType": "Create", "ResponseURL": ""})
    ));
    assert!(!is_api_event(
        &json!({"detail-type": "AWS API Call via CloudTrail", "httpMethod": 1})
    ));
}

/// The properties the OpenAPI document takes are the resource's, and those it types as
/// strings are the ones the API checks are strings (`properties::TEXT_PROPERTIES`).
#[test]
fn the_openapi_document_types_the_resources_own_properties() {
    let document: Value = serde_json::from_str(include_str!("../../../api/openapi.json")).unwrap();
    let described = document["components"]["schemas"]["CloneProperties"]["properties"]
        .as_object()
        .unwrap();
    let mut text: Vec<&str> = Vec::new();
    for (name, schema) in described {
        assert!(
            crate::properties::PROPERTY_NAMES.contains(&name.as_str()),
            "{name} is not a property of the resource"
        );
        if schema["type"] == "string" {
            text.push(name);
        }
    }
    let mut expected = crate::properties::TEXT_PROPERTIES.to_vec();
    expected.sort_unstable();
    text.sort_unstable();
    assert_eq!(text, expected);
}

/// The OpenAPI document (api/openapi.json) describes exactly these routes, each with the
/// statuses it answers and the scope it needs.
#[test]
fn the_openapi_document_describes_exactly_the_routes() {
    let text = include_str!("../../../api/openapi.json");
    let document: Value = serde_json::from_str(text).unwrap();
    assert!(document["openapi"].as_str().unwrap().starts_with("3."));
    let mut described: Vec<String> = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            if method == "parameters" {
                continue;
            }
            let route = format!("{} {path}", method.to_uppercase());
            let responses: Vec<&str> = operation["responses"]
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            let success = responses
                .iter()
                .find(|s| s.starts_with('2'))
                .expect("a success status");
            for status in [
                success, &"400", &"401", &"403", &"404", &"409", &"429", &"502",
            ] {
                assert!(responses.contains(status), "{route} documents {status}");
            }
            assert_eq!(
                operation["responses"]["405"]["headers"]["Allow"]["$ref"],
                "#/components/headers/Allow",
                "{route}'s 405 names the Allow header"
            );
            let keyed = operation["parameters"]
                .as_array()
                .is_some_and(|p| p.iter().any(|p| p["name"] == "Idempotency-Key"));
            assert_eq!(
                responses.contains(&"422"),
                keyed,
                "{route}: a 422 exactly where an Idempotency-Key is taken"
            );
            let problem = &operation["responses"]["404"]["content"]["application/problem+json"];
            assert!(
                problem.is_object(),
                "{route}'s errors are problem documents"
            );
            let routed = super::route(
                &method.to_uppercase(),
                &path.replace("{id}", "E123"),
                |name| {
                    let flag = name == "force" || name == "listAccount";
                    Some(if flag { "true" } else { "E123" }.into())
                },
            )
            .unwrap_or_else(|p| panic!("{route} routes: {}", p.detail));
            assert_eq!(
                operation["security"],
                json!([{"cognito": [routed.scope()]}]),
                "{route} needs {}",
                routed.scope()
            );
            described.push(route);
        }
    }
    described.sort();
    let mut routes: Vec<String> = ROUTES.iter().map(|r| (*r).to_owned()).collect();
    routes.sort();
    assert_eq!(described, routes);
}

proptest! {
    /// Any method and path: a route, or a 404 or 405 problem; never a panic.
    #[test]
    fn routing_never_panics(method in "[A-Z]{0,8}", path in "(/[a-z{}E0-9]{0,8}){0,4}") {
        match route(&method, &path, |_| None) {
            Ok(_) => {}
            Err(problem) => prop_assert!(matches!(problem.status, 400 | 404 | 405)),
        }
    }

    /// Any JSON at all as a payload: parsed, or refused with a 4xx problem.
    #[test]
    fn parsing_never_panics(method in "[A-Z]{1,7}", body in ".{0,40}", scope in proptest::option::of("[a-z/ ]{0,24}")) {
        let payload = event(&method, "/clones", scope.as_deref(), Some(&body));
        if let Err(problem) = parse(payload) {
            prop_assert!((400..500).contains(&problem.status));
        }
    }
}
