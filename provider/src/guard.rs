//! The one guard of every front: work that panics or outlasts its time becomes a typed
//! [`Interrupted`], which the caller turns into its FAILED answer (or problem document).

use crate::error::Error;
use futures_util::FutureExt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Duration;
use tracing::error;

/// Why guarded work did not finish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Interrupted {
    /// It panicked, with this message.
    Panicked(String),
    /// The time ran out (it was dropped: nothing carries on behind the answer, which
    /// Lambda would thaw next time).
    Deadline,
}

impl Interrupted {
    pub fn into_error(self, request_type: crate::event::RequestType) -> Error {
        match self {
            Self::Panicked(detail) => Error::Panicked(detail),
            Self::Deadline => Error::Deadline(request_type),
        }
    }
}

/// Runs `work` for at most `limit`, turning a panic or the end of the time into
/// [`Interrupted`].
pub async fn guard<T>(limit: Duration, work: impl Future<Output = T>) -> Result<T, Interrupted> {
    match tokio::time::timeout(limit, AssertUnwindSafe(work).catch_unwind()).await {
        Ok(Ok(done)) => Ok(done),
        Ok(Err(panic)) => {
            let detail = crate::error::panic_detail(panic);
            error!(detail, "the provider panicked");
            Err(Interrupted::Panicked(detail))
        }
        Err(_) => {
            error!("the invocation's deadline is near; stopping the work");
            Err(Interrupted::Deadline)
        }
    }
}
