//! A source task's state, stored as text in `source_task.status`.
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where one source stands for one request and operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    Pending,
    Running,
    Done,
    Failed,
    /// A source without an API: a caseworker enters what it holds.
    Manual,
}

impl TaskStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
            Self::Manual => "manual",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Pending,
            Self::Running,
            Self::Done,
            Self::Failed,
            Self::Manual,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
    }
}
