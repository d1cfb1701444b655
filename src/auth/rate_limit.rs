//! A per-client token bucket for the login, callback and token endpoints (docs/login.md). In memory
//! per instance: it slows down guessing and floods; it is not a quota.
use std::{
    collections::HashMap,
    net::IpAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

struct Bucket {
    tokens: f64,
    at: Instant,
}

pub struct RateLimiter {
    burst: f64,
    per_second: f64,
    buckets: Mutex<HashMap<(IpAddr, &'static str), Bucket>>,
}

/// Above this many tracked clients, full (idle) buckets are dropped.
const PRUNE_ABOVE: usize = 10_000;

impl RateLimiter {
    pub fn new(burst: u32, per_minute: u32) -> Self {
        Self {
            burst: f64::from(burst.max(1)),
            per_second: f64::from(per_minute.max(1)) / 60.0,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `client` in `group`; false when the bucket is empty.
    pub fn allow(&self, client: IpAddr, group: &'static str) -> bool {
        self.allow_at(client, group, Instant::now())
    }

    fn allow_at(&self, client: IpAddr, group: &'static str, now: Instant) -> bool {
        let Ok(mut buckets) = self.buckets.lock() else {
            return true;
        };
        if buckets.len() > PRUNE_ABOVE {
            let full_after = Duration::from_secs_f64(self.burst / self.per_second);
            buckets.retain(|_, b| now.duration_since(b.at) < full_after);
        }
        let bucket = buckets.entry((client, group)).or_insert(Bucket {
            tokens: self.burst,
            at: now,
        });
        let refill = now.duration_since(bucket.at).as_secs_f64() * self.per_second;
        bucket.tokens = (bucket.tokens + refill).min(self.burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_empties_and_refills() {
        let limiter = RateLimiter::new(3, 60);
        let ip: IpAddr = [10, 0, 0, 1].into();
        let other: IpAddr = [10, 0, 0, 2].into();
        let t0 = Instant::now();
        assert!((0..3).all(|_| limiter.allow_at(ip, "login", t0)));
        assert!(!limiter.allow_at(ip, "login", t0));
        // Other clients and other groups have their own buckets.
        assert!(limiter.allow_at(other, "login", t0));
        assert!(limiter.allow_at(ip, "token", t0));
        // One per second comes back.
        assert!(limiter.allow_at(ip, "login", t0 + Duration::from_millis(1100)));
        assert!(!limiter.allow_at(ip, "login", t0 + Duration::from_millis(1200)));
    }
}
