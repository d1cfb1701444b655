//! A source task's state, stored as text in `source_task.status`.
pub use entity::values::TaskStatus;
