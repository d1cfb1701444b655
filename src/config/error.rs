//! Why the settings could not be loaded: unreadable, or a setting that is not acceptable.

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("could not read the configuration: {0}")]
    Load(#[from] config::ConfigError),
    #[error("invalid setting `{name}`: {reason}")]
    Invalid { name: &'static str, reason: String },
}
