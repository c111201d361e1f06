//! Members of a configuration this build does not know (a field CloudFront added after
//! it): a write built from what the SDK read would lose them, so it is refused, naming
//! them; a read reports them.

use super::*;

const NEW_MEMBER: &str = "DistributionConfig/FutureFeature";

#[tokio::test]
async fn a_reference_with_members_this_build_does_not_know_is_not_cloned() {
    let w = world();
    w.cf.set_unknown(REFERENCE_ID, &[NEW_MEMBER]);
    let (physical, reason) = failure(w.run(&create(props(json!({})))).await);
    assert!(physical.starts_with(NOT_CREATED_PREFIX));
    assert!(
        reason.starts_with("ReferenceDistributionId:")
            && reason.contains(NEW_MEMBER)
            && reason.contains("upgrade cfclone"),
        "{reason}"
    );
    assert_eq!(w.cf.count("CreateDistributionWithTags"), 0);
    w.reference_untouched();
}

#[tokio::test]
async fn an_update_from_such_a_reference_is_refused_and_sends_nothing() {
    let w = world();
    let (first, id) = created(&w, props(json!({}))).await;
    w.cf.set_unknown(REFERENCE_ID, &[NEW_MEMBER]);
    let new = props(json!({"OriginDomainName": "v2.example.net"}));
    let (physical, reason) = failure(w.run(&update(&id, new, first.properties.raw.clone())).await);
    assert_eq!(physical, id);
    assert!(reason.contains(NEW_MEMBER), "{reason}");
    assert_eq!(w.cf.count("UpdateDistribution"), 0);
}

#[tokio::test]
async fn an_update_that_would_wipe_the_clones_unknown_members_is_refused() {
    let w = world();
    let (first, id) = created(&w, props(json!({}))).await;
    w.cf.set_unknown(&id, &[NEW_MEMBER]);
    let new = props(json!({"OriginDomainName": "v2.example.net"}));
    let (physical, reason) = failure(w.run(&update(&id, new, first.properties.raw.clone())).await);
    assert_eq!(physical, id);
    assert!(
        reason.starts_with("UpdateDistribution:")
            && reason.contains(&id)
            && reason.contains(NEW_MEMBER)
            && reason.contains("wipe"),
        "{reason}"
    );
    assert_eq!(w.cf.count("UpdateDistribution"), 0);
    assert_eq!(
        w.cf.get_stored(&id).unwrap().distribution.unknown,
        [NEW_MEMBER],
        "still there"
    );

    // An Update that changes nothing sends nothing, so there is nothing to refuse.
    let same = props(json!({"ReferenceRevision": "2"}));
    success(
        w.run(&update(&id, same, first.properties.raw.clone()))
            .await,
    );
    assert_eq!(w.cf.count("UpdateDistribution"), 0);
}

#[tokio::test]
async fn a_diff_reports_the_clones_unknown_members() {
    let w = world();
    let (_, id) = created(&w, props(json!({}))).await;
    w.cf.set_unknown(&id, &[NEW_MEMBER]);
    let state = reader(&w).diff(&id).await.unwrap();
    assert_eq!(state.unknown, [NEW_MEMBER]);
    assert!(state.in_sync(), "what this build knows is as planned");
    assert_eq!(
        crate::report::clone_state(&state, false)["unknownMembers"],
        json!([NEW_MEMBER])
    );

    w.cf.set_unknown(REFERENCE_ID, &[NEW_MEMBER]);
    let refused = reader(&w).diff(&id).await.unwrap_err();
    assert!(
        refused.reason().starts_with("ReferenceDistributionId:"),
        "{}",
        refused.reason()
    );
}
