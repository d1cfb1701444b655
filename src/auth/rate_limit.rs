//! Per-key token buckets: per client address for the login, callback and token endpoints
//! (docs/login.md), and for intake per client address, per person and per receipt address
//! ([`IntakeLimits`], docs/security.md). In memory per instance: they slow down guessing and
//! floods; they are not quotas, and several instances each keep their own.
use std::{
    collections::HashMap,
    hash::Hash,
    net::IpAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

struct Bucket {
    tokens: f64,
    at: Instant,
}

pub struct RateLimiter<K = IpAddr> {
    burst: f64,
    per_second: f64,
    buckets: Mutex<HashMap<(K, &'static str), Bucket>>,
}

/// Above this many tracked clients, full (idle) buckets are dropped.
const PRUNE_ABOVE: usize = 10_000;

impl<K: Hash + Eq> RateLimiter<K> {
    /// `burst` at once, then `per_minute`.
    pub fn new(burst: u32, per_minute: u32) -> Self {
        Self::with_rate(burst, f64::from(per_minute.max(1)) / 60.0)
    }

    /// `burst` at once, then `per_hour`.
    pub fn per_hour(burst: u32, per_hour: u32) -> Self {
        Self::with_rate(burst, f64::from(per_hour.max(1)) / 3600.0)
    }

    fn with_rate(burst: u32, per_second: f64) -> Self {
        Self {
            burst: f64::from(burst.max(1)),
            per_second,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `client` in `group`; false when the bucket is empty.
    pub fn allow(&self, client: K, group: &'static str) -> bool {
        self.check_at(client, group, Instant::now()).is_ok()
    }

    /// Takes one token for `key` in `group`; when the bucket is empty, how long until the next
    /// token comes back (for `Retry-After`).
    pub fn check(&self, key: K, group: &'static str) -> Result<(), Duration> {
        self.check_at(key, group, Instant::now())
    }

    fn check_at(&self, key: K, group: &'static str, now: Instant) -> Result<(), Duration> {
        let Ok(mut buckets) = self.buckets.lock() else {
            return Ok(());
        };
        if buckets.len() > PRUNE_ABOVE {
            let full_after = Duration::from_secs_f64(self.burst / self.per_second);
            buckets.retain(|_, b| now.duration_since(b.at) < full_after);
        }
        let bucket = buckets.entry((key, group)).or_insert(Bucket {
            tokens: self.burst,
            at: now,
        });
        let refill = now.duration_since(bucket.at).as_secs_f64() * self.per_second;
        bucket.tokens = (bucket.tokens + refill).min(self.burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                (1.0 - bucket.tokens) / self.per_second,
            ))
        }
    }
}

/// Intake limits (`intake.*`): per citizen client address, per person, and receipt e-mails per
/// recipient address.
pub struct IntakeLimits {
    /// Off while the demo data is seeded at start-up (dsar itself registering), on after.
    active: std::sync::atomic::AtomicBool,
    by_address: RateLimiter<IpAddr>,
    by_person: RateLimiter<String>,
    receipts: RateLimiter<[u8; 32]>,
}

/// An intake refused for now: try again after this many seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub u64);

fn retry_after(wait: Duration) -> RetryAfter {
    RetryAfter(wait.as_secs_f64().ceil().max(1.0) as u64)
}

impl IntakeLimits {
    /// The limits, not yet in force: [`Self::activate`] once the instance is built.
    pub fn new(s: &crate::config::IntakeLimitSettings) -> Self {
        Self {
            active: std::sync::atomic::AtomicBool::new(false),
            by_address: RateLimiter::per_hour(s.per_address_burst, s.per_address_per_hour),
            by_person: RateLimiter::per_hour(s.per_person_burst, s.per_person_per_hour),
            receipts: RateLimiter::per_hour(
                s.receipts_per_address_per_hour,
                s.receipts_per_address_per_hour,
            ),
        }
    }

    pub fn activate(&self) {
        self.active
            .store(true, std::sync::atomic::Ordering::Release);
    }

    fn active(&self) -> bool {
        self.active.load(std::sync::atomic::Ordering::Acquire)
    }

    /// One more intake from this client address.
    pub fn address(&self, client: IpAddr) -> Result<(), RetryAfter> {
        if !self.active() {
            return Ok(());
        }
        self.by_address.check(client, "intake").map_err(retry_after)
    }

    /// One more intake for the person with this lookup hash.
    pub fn person(&self, lookup_hash: &str) -> Result<(), RetryAfter> {
        if !self.active() {
            return Ok(());
        }
        self.by_person
            .check(lookup_hash.to_string(), "intake")
            .map_err(retry_after)
    }

    /// Whether one more receipt may go to `address` this hour. The address is kept only as a
    /// hash of its normalised form, in memory.
    pub fn receipt(&self, address: &str) -> bool {
        use sha2::Digest;
        if !self.active() {
            return true;
        }
        let key: [u8; 32] = sha2::Sha256::digest(address.trim().to_lowercase().as_bytes()).into();
        self.receipts.check(key, "receipt").is_ok()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn bucket_empties_and_refills() {
        let limiter = RateLimiter::new(3, 60);
        let ip: IpAddr = [10, 0, 0, 1].into();
        let other: IpAddr = [10, 0, 0, 2].into();
        let t0 = Instant::now();
        assert!((0..3).all(|_| limiter.check_at(ip, "login", t0).is_ok()));
        assert!(limiter.check_at(ip, "login", t0).is_err());
        // Other clients and other groups have their own buckets.
        assert!(limiter.check_at(other, "login", t0).is_ok());
        assert!(limiter.check_at(ip, "token", t0).is_ok());
        // One per second comes back.
        assert!(
            limiter
                .check_at(ip, "login", t0 + Duration::from_millis(1100))
                .is_ok()
        );
        assert!(
            limiter
                .check_at(ip, "login", t0 + Duration::from_millis(1200))
                .is_err()
        );
    }

    #[test]
    fn the_wait_is_until_the_next_token() {
        let limiter = RateLimiter::per_hour(2, 60);
        let t0 = Instant::now();
        assert!(limiter.check_at("kari", "intake", t0).is_ok());
        assert!(limiter.check_at("kari", "intake", t0).is_ok());
        let wait = limiter.check_at("kari", "intake", t0).unwrap_err();
        assert!((59..=60).contains(&wait.as_secs()), "{wait:?}");
        let wait = limiter
            .check_at("kari", "intake", t0 + Duration::from_secs(30))
            .unwrap_err();
        assert!((29..=30).contains(&wait.as_secs()), "{wait:?}");
        assert!(
            limiter
                .check_at("kari", "intake", t0 + Duration::from_secs(61))
                .is_ok()
        );
        assert_eq!(retry_after(Duration::from_millis(1)), RetryAfter(1));
        assert_eq!(retry_after(Duration::from_millis(59_001)), RetryAfter(60));
    }

    #[test]
    fn receipts_are_counted_per_address_whatever_its_case() {
        let limits = IntakeLimits::new(&crate::config::IntakeLimitSettings {
            receipts_per_address_per_hour: 2,
            ..Default::default()
        });
        // Not in force until activated (the demo seed runs before).
        assert!((0..5).all(|_| limits.receipt("kari@example.no")));
        limits.activate();
        assert!(limits.receipt("kari@example.no"));
        assert!(limits.receipt(" Kari@Example.NO "));
        assert!(!limits.receipt("KARI@example.no"));
        assert!(limits.receipt("ola@example.no"));
    }
}
