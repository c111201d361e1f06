//! `DeletionMode: Disable` and the stack's rollback: a Delete while the stack rolls back
//! the operation that created the clone deletes it, as CloudFormation's
//! `RetainExceptOnCreate` does; any other Delete, or a stack that cannot be read, keeps the
//! declared `Disable`.

use super::*;
use crate::lifecycle::delete::ROLLBACK_STATUSES;

fn disabling() -> Value {
    props(json!({"SsmParameterPrefix": "/cfclone/shop", "DeletionMode": "Disable"}))
}

/// Deletes the clone `disabling()` made while the stack is in `status` (`None`: a stack
/// DescribeStacks does not know); whether the clone is still there after.
async fn delete_while(w: &World, status: Option<&str>) -> bool {
    let (_, id) = created(w, disabling()).await;
    if let Some(status) = status {
        w.stacks.set(STACK, status);
    }
    let (physical, _) = success(w.run(&delete(&id, disabling())).await);
    assert_eq!(physical, id);
    assert_eq!(
        w.stacks.asked(),
        [STACK],
        "asked once, about the event's stack"
    );
    assert_eq!(w.ssm.len(), 0, "the stack's outputs are removed either way");
    w.reference_untouched();
    w.cf.get_stored(&id).is_some()
}

#[tokio::test]
async fn a_delete_while_the_stack_rolls_back_its_creation_deletes_the_clone_despite_disable() {
    for status in ROLLBACK_STATUSES.map(|s| s.as_str().to_owned()) {
        let status = status.as_str();
        let w = world();
        assert!(!delete_while(&w, Some(status)).await, "{status}: deleted");
        assert!(w.clones().is_empty(), "{status}");
        assert!(
            w.cf.calls()
                .iter()
                .any(|c| c.starts_with("DeleteDistribution")),
            "{status}"
        );
    }
}

#[tokio::test]
async fn a_delete_of_a_stack_not_rolling_back_a_creation_leaves_the_clone_disabled() {
    for status in [
        "DELETE_IN_PROGRESS",
        "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS",
        "UPDATE_ROLLBACK_IN_PROGRESS",
    ] {
        let w = world();
        assert!(delete_while(&w, Some(status)).await, "{status}: kept");
        let kept = w.cf.get_stored(&w.clones()[0]).unwrap();
        assert!(!kept.distribution.config.enabled, "{status}: disabled");
    }
}

#[tokio::test]
async fn a_stack_that_cannot_be_read_keeps_the_declared_disable() {
    let w = world();
    assert!(delete_while(&w, None).await, "unknown stack: kept");

    let w = world();
    *w.stacks.deny.lock().unwrap() = true;
    w.stacks.set(STACK, "ROLLBACK_IN_PROGRESS");
    assert!(delete_while(&w, None).await, "DescribeStacks denied: kept");
}

#[tokio::test]
async fn the_stack_is_asked_only_when_deletion_mode_is_disable() {
    let w = world();
    let properties = props(json!({}));
    let (_, id) = created(&w, properties.clone()).await;
    success(w.run(&delete(&id, properties)).await);
    assert!(w.clones().is_empty());
    assert!(w.stacks.asked().is_empty(), "no DescribeStacks");
}
