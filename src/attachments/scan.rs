//! Malware scanning with ClamAV's clamd: the file is streamed with `INSTREAM` over TCP
//! (the `clamav-client` crate) and clamd's one-line answer is read here.
use std::time::Duration;

/// What clamd said about a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Clean,
    /// The signature clamd matched (kept in the audit trail, never shown to the person).
    Infected(String),
}

/// clamd could not be asked or gave no verdict: the file is not accepted.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("clamd could not be reached: {0}")]
    Unreachable(#[from] std::io::Error),
    #[error("clamd did not answer in time")]
    Timeout,
    #[error("clamd gave no verdict")]
    NoVerdict,
}

/// Scans `bytes` with the clamd at `addr` (host:port), waiting at most `timeout`.
pub async fn scan(addr: &str, bytes: &[u8], timeout: Duration) -> Result<Verdict, ScanError> {
    let tcp = clamav_client::tokio::Tcp { host_address: addr };
    let answer = tokio::time::timeout(timeout, clamav_client::tokio::scan_buffer(bytes, tcp, None))
        .await
        .map_err(|_| ScanError::Timeout)??;
    verdict(&answer)
}

/// Reads clamd's answer to `INSTREAM`: `stream: OK`, `stream: <signature> FOUND`, or an error
/// (`INSTREAM size limit exceeded. ERROR`, anything else), which is no verdict.
pub fn verdict(answer: &[u8]) -> Result<Verdict, ScanError> {
    let text = std::str::from_utf8(answer).map_err(|_| ScanError::NoVerdict)?;
    let line = text.trim_end_matches(['\0', '\n', '\r']).trim();
    let Some(rest) = line.strip_prefix("stream:") else {
        return Err(ScanError::NoVerdict);
    };
    let rest = rest.trim();
    if rest == "OK" {
        return Ok(Verdict::Clean);
    }
    match rest.strip_suffix(" FOUND") {
        Some(signature) if !signature.trim().is_empty() => {
            Ok(Verdict::Infected(signature.trim().to_string()))
        }
        _ => Err(ScanError::NoVerdict),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamd_answers_are_read_strictly() {
        assert_eq!(verdict(b"stream: OK\0").ok(), Some(Verdict::Clean));
        assert_eq!(
            verdict(b"stream: Eicar-Test-Signature FOUND\0").ok(),
            Some(Verdict::Infected("Eicar-Test-Signature".into()))
        );
        for no in [
            &b"INSTREAM size limit exceeded. ERROR\0"[..],
            b"stream: FOUND",
            b"",
            b"stream: something ERROR",
            b"\xff\xfe",
        ] {
            assert!(verdict(no).is_err(), "{no:?}");
        }
    }
}
