//! Per-key token buckets: per client address for the login, callback and token endpoints
//! (docs/login.md), and for intake per client address, per person and per receipt address
//! ([`IntakeLimits`], docs/security.md). The login buckets are in memory per instance: they
//! slow down guessing. The intake limits are shared by every instance over one database
//! ([`SharedBuckets`], on by default on PostgreSQL), with the in-memory bucket in front.
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

/// One limit for the shared store: `burst` at once, then `per_hour`.
#[derive(Debug, Clone, Copy)]
struct Rate {
    burst: u32,
    per_hour: u32,
}

impl Rate {
    /// Microseconds between two tokens.
    fn interval_us(self) -> i64 {
        3_600_000_000 / i64::from(self.per_hour.max(1))
    }

    /// How far the theoretical arrival time may run ahead of now and still admit one more.
    fn tolerance_us(self) -> i64 {
        self.interval_us() * i64::from(self.burst.max(1) - 1)
    }
}

/// Buckets in the database (`rate_limit_bucket`), so several instances behind a load balancer
/// share one limit. Each key is one row holding its theoretical arrival time (the generic cell
/// rate algorithm, equivalent to a token bucket): a call is admitted when that time is at most
/// `(burst - 1)` intervals ahead of now, and then moves it one interval on. Admission and the
/// move are one atomic upsert on SQLite and PostgreSQL alike; a refused call changes nothing.
/// Keys are stored only as keyed hashes (the identity-number hash key), never as an address.
pub struct SharedBuckets {
    calls: std::sync::atomic::AtomicU64,
}

/// Rows whose time has passed are as good as absent; every this many calls they are deleted.
const SHARED_PRUNE_EVERY: u64 = 1024;

impl SharedBuckets {
    fn new() -> Self {
        Self {
            calls: std::sync::atomic::AtomicU64::new(0),
        }
    }

    async fn check(
        &self,
        db: &sea_orm::DatabaseConnection,
        bucket: &str,
        rate: Rate,
    ) -> Result<Result<(), RetryAfter>, sea_orm::DbErr> {
        use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
        let backend = db.get_database_backend();
        // `$n` for PostgreSQL, `?n` for SQLite: numbered, so a value can be used twice.
        let sql = |text: &str| match backend {
            DatabaseBackend::Sqlite => text.replace('$', "?"),
            _ => text.to_string(),
        };
        let now = chrono::Utc::now().timestamp_micros();
        if self
            .calls
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            .is_multiple_of(SHARED_PRUNE_EVERY)
        {
            db.execute_raw(Statement::from_sql_and_values(
                backend,
                sql("DELETE FROM rate_limit_bucket WHERE tat_us < $1"),
                [now.into()],
            ))
            .await?;
        }
        let admitted = db
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                sql("INSERT INTO rate_limit_bucket (bucket, tat_us) VALUES ($1, $2 + $3) \
                     ON CONFLICT (bucket) DO UPDATE SET tat_us = \
                     (CASE WHEN rate_limit_bucket.tat_us > $2 THEN rate_limit_bucket.tat_us ELSE $2 END) + $3 \
                     WHERE rate_limit_bucket.tat_us <= $2 + $4 \
                     RETURNING tat_us"),
                [
                    bucket.into(),
                    now.into(),
                    rate.interval_us().into(),
                    rate.tolerance_us().into(),
                ],
            ))
            .await?;
        if admitted.is_some() {
            return Ok(Ok(()));
        }
        // Refused: the row was left as it was; the wait is until it is back within tolerance.
        let row = db
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                sql("SELECT tat_us FROM rate_limit_bucket WHERE bucket = $1"),
                [bucket.into()],
            ))
            .await?;
        let tat: i64 = match row {
            Some(row) => row.try_get("", "tat_us")?,
            None => now,
        };
        let wait_us = (tat - rate.tolerance_us() - now).max(1);
        Ok(Err(retry_after(Duration::from_micros(wait_us as u64))))
    }
}

/// Intake limits (`intake.*`): per citizen client address, per person, and receipt e-mails per
/// recipient address. Each is checked in this instance's memory first (a flood is refused there
/// without a database round trip), then, when shared, in the database for all instances.
pub struct IntakeLimits {
    /// Off while the demo data is seeded at start-up (dsar itself registering), on after.
    active: std::sync::atomic::AtomicBool,
    /// Whether to share the limits through the database; `None`: on PostgreSQL only.
    shared_setting: Option<bool>,
    shared: SharedBuckets,
    address_rate: Rate,
    person_rate: Rate,
    receipt_rate: Rate,
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
            shared_setting: s.shared,
            shared: SharedBuckets::new(),
            address_rate: Rate {
                burst: s.per_address_burst,
                per_hour: s.per_address_per_hour,
            },
            person_rate: Rate {
                burst: s.per_person_burst,
                per_hour: s.per_person_per_hour,
            },
            receipt_rate: Rate {
                burst: s.receipts_per_address_per_hour,
                per_hour: s.receipts_per_address_per_hour,
            },
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

    fn shared_on(&self, db: &sea_orm::DatabaseConnection) -> bool {
        self.shared_setting
            .unwrap_or(db.get_database_backend() == sea_orm::DatabaseBackend::Postgres)
    }

    /// The in-memory bucket, then (when shared) the database's for the same key.
    async fn check(
        &self,
        db: &sea_orm::DatabaseConnection,
        local: Result<(), Duration>,
        bucket: impl FnOnce() -> String,
        rate: Rate,
    ) -> Result<Result<(), RetryAfter>, sea_orm::DbErr> {
        if let Err(wait) = local {
            return Ok(Err(retry_after(wait)));
        }
        if !self.shared_on(db) {
            return Ok(Ok(()));
        }
        self.shared.check(db, &bucket(), rate).await
    }

    /// One more intake from this client address.
    pub async fn address(
        &self,
        db: &sea_orm::DatabaseConnection,
        vault: &crate::crypto::PidVault,
        client: IpAddr,
    ) -> Result<Result<(), RetryAfter>, sea_orm::DbErr> {
        if !self.active() {
            return Ok(Ok(()));
        }
        let local = self.by_address.check(client, "intake");
        let bucket = || {
            format!(
                "intake-address:{}",
                vault.pseudonym_of(client.to_string().as_bytes())
            )
        };
        self.check(db, local, bucket, self.address_rate).await
    }

    /// One more intake for the person with this lookup hash.
    pub async fn person(
        &self,
        db: &sea_orm::DatabaseConnection,
        lookup_hash: &str,
    ) -> Result<Result<(), RetryAfter>, sea_orm::DbErr> {
        if !self.active() {
            return Ok(Ok(()));
        }
        let local = self.by_person.check(lookup_hash.to_string(), "intake");
        // The lookup hash is already keyed; a prefix of it is key enough for a bucket.
        let bucket = || {
            format!(
                "intake-person:{}",
                &lookup_hash[..lookup_hash.len().min(64)]
            )
        };
        self.check(db, local, bucket, self.person_rate).await
    }

    /// Whether one more receipt may go to `address` this hour. The address is kept only as a
    /// keyed hash of its normalised form.
    pub async fn receipt(
        &self,
        db: &sea_orm::DatabaseConnection,
        vault: &crate::crypto::PidVault,
        address: &str,
    ) -> Result<bool, sea_orm::DbErr> {
        use sha2::Digest;
        if !self.active() {
            return Ok(true);
        }
        let normalised = address.trim().to_lowercase();
        let key: [u8; 32] = sha2::Sha256::digest(normalised.as_bytes()).into();
        let local = self.receipts.check(key, "receipt");
        let bucket = || format!("receipt:{}", vault.pseudonym_of(normalised.as_bytes()));
        Ok(self
            .check(db, local, bucket, self.receipt_rate)
            .await?
            .is_ok())
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

    #[tokio::test]
    async fn receipts_are_counted_per_address_whatever_its_case() {
        let limits = IntakeLimits::new(&crate::config::IntakeLimitSettings {
            receipts_per_address_per_hour: 2,
            ..Default::default()
        });
        // SQLite without `intake.shared`: the in-memory buckets alone (no table needed).
        let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        let vault = crate::crypto::PidVault::new(&"11".repeat(32), &"22".repeat(32)).unwrap();
        let receipt = |address: &'static str| {
            let (limits, db, vault) = (&limits, &db, &vault);
            async move { limits.receipt(db, vault, address).await.unwrap() }
        };
        // Not in force until activated (the demo seed runs before).
        for _ in 0..5 {
            assert!(receipt("kari@example.no").await);
        }
        limits.activate();
        assert!(receipt("kari@example.no").await);
        assert!(receipt(" Kari@Example.NO ").await);
        assert!(!receipt("KARI@example.no").await);
        assert!(receipt("ola@example.no").await);
    }
}
