//! Rights requests: intake (create), case operations (transitions, assignment, extension,
//! forwarding) and queries (read, queue, timeline). Every change is one transaction through the
//! writer that writes the new state, a timeline event and an audit event.
pub mod case;
pub mod intake;
pub mod language;
pub mod opened;
pub mod queries;
pub mod represented;
pub mod verification;
pub mod view;

/// Four eyes on closing a case: a step of the case, so it lives in `case/`.
pub use case::closing;
pub use view::{RequestView, TimelineEvent};
