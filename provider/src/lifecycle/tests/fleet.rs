//! The fleet: each clone's record, diff (a reference edit told from a hand edit), list, and the reads a fleet shares.

use super::*;

#[tokio::test]
async fn create_update_and_delete_keep_the_clones_record() {
    let w = world();
    let (first, id) = created(&w, props(json!({}))).await;
    let record = w.ssm.record(&id).expect("Create keeps a record");
    assert_eq!(record.reference_distribution_id, REFERENCE_ID);
    assert_eq!(
        record.reference_revision,
        crate::fields::revision(&test_support::reference())
    );
    assert_eq!(record.properties["Aliases"], json!(["shop.example.com"]));
    let clone = w.cf.get_stored(&id).unwrap().distribution;
    assert_eq!(record.applied, crate::fields::digests(&clone.config));

    let new = props(json!({"Comment": "v2"}));
    success(
        w.run(&update(&id, new.clone(), first.properties.raw.clone()))
            .await,
    );
    let updated = w.ssm.record(&id).unwrap();
    assert_eq!(updated.properties["Comment"], "v2");
    assert_ne!(updated.applied, record.applied);

    success(w.run(&delete_request(&id, new)).await);
    assert!(w.ssm.record(&id).is_none(), "Delete removes the record");
}

#[tokio::test]
async fn a_record_that_cannot_be_kept_fails_with_the_clones_id_and_the_permission() {
    let w = world();
    *w.ssm.fail_record_puts.lock().unwrap() = true;
    let (physical, reason) = failure(w.run(&create(props(json!({})))).await);
    assert_eq!(
        w.clones(),
        vec![physical.clone()],
        "answered with the clone's id"
    );
    assert!(
        reason.contains("/cfclone/records/") && reason.contains("ssm:PutParameter"),
        "{reason}"
    );
}

#[tokio::test]
async fn diff_tells_a_reference_edit_from_a_hand_edit_and_a_sync_request_is_the_stacks_update() {
    let w = world();
    let (_, id) = created(&w, props(json!({}))).await;
    assert!(reader(&w).diff(&id).await.unwrap().in_sync());

    let mut moved = test_support::reference();
    moved.default_root_object = Some("home.html".into());
    w.cf.insert(REFERENCE_ID, moved, vec![]);
    let state = reader(&w).diff(&id).await.unwrap();
    assert_eq!(state.differences.len(), 1, "{:?}", state.differences);
    assert_eq!(state.differences[0].change.field, "DefaultRootObject");
    assert!(state.drifted().is_empty());
    assert_ne!(state.reference_revision, state.record.reference_revision);

    // The sync's request is an Update of the clone's own resource with its recorded
    // properties; the event it carries (a continuation's) reads back as the same request.
    let request = state.sync_request(true);
    let reread = crate::event::parse(request.raw.clone()).unwrap().request;
    assert_eq!(
        (
            reread.request_type,
            &reread.ids,
            &reread.physical_resource_id
        ),
        (
            request.request_type,
            &request.ids,
            &request.physical_resource_id
        )
    );
    assert_eq!(request.request_type, RequestType::Update);
    assert_eq!(request.physical_resource_id.as_deref(), Some(id.as_str()));
    assert_eq!(request.ids.stack_id, STACK);
    assert_eq!(request.ids.logical_resource_id, "ShopClone");
    success(w.run(&request).await);
    assert!(
        reader(&w).diff(&id).await.unwrap().in_sync(),
        "the sync applied the plan"
    );
    assert!(
        !w.cf
            .calls()
            .iter()
            .any(|c| c.starts_with("UpdateDistribution EREF")),
        "the reference is never written"
    );
}

#[tokio::test]
async fn the_fleet_lists_only_cfclones_own_clones() {
    let w = world();
    let (_, id) = created(&w, props(json!({}))).await;
    let listed = reader(&w).list(None).await.unwrap();
    assert_eq!(
        listed.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
        [id.as_str()]
    );
    assert!(reader(&w).list(Some("EOTHER")).await.unwrap().is_empty());
    let refused = reader(&w).diff(REFERENCE_ID).await.unwrap_err();
    assert!(
        refused.reason().contains("not a clone cfclone made"),
        "{}",
        refused.reason()
    );
}

#[tokio::test]
async fn a_fleet_lists_with_one_read_of_its_reference_and_of_the_certificates() {
    let w = world();
    // Two clones with an alias each (the certificate covers both), one without.
    for aliases in [
        json!(["shop.example.com"]),
        json!(["www.shop.example.com"]),
        json!([]),
    ] {
        let mut request = create(props(json!({"Aliases": aliases})));
        request.ids.logical_resource_id = format!("Clone{}", uuid::Uuid::new_v4().simple());
        success(w.run(&request).await);
    }
    let before_lists = w.acm.count("ListCertificates");
    let reference_reads = |w: &World| {
        w.cf.calls()
            .iter()
            .filter(|c| *c == &format!("GetDistributionConfig {REFERENCE_ID}"))
            .count()
    };
    let before_reads = reference_reads(&w);
    let listed = reader(&w).list(None).await.unwrap();
    assert_eq!(listed.len(), 3);
    assert!(listed.iter().all(CloneState::in_sync));
    assert_eq!(w.acm.count("ListCertificates") - before_lists, 1);
    assert_eq!(reference_reads(&w) - before_reads, 1);
}
