//! The built-in demo token issuer (demo mode only; production refuses it): mints ES256 tokens
//! for demo citizens (`pid`) and demo staff (`sub` = username) and publishes its JWKS, so the
//! API validates them exactly like tokens from a real issuer. Like a real deployment it is two
//! issuers, `{base_url}/dev/citizen` and `{base_url}/dev/staff` (one key), each bound to its kind.
use jsonwebtoken::{
    Algorithm, EncodingKey, Header,
    jwk::{Jwk, JwkSet},
};
use p256::pkcs8::{EncodePrivateKey, LineEnding};

use super::tokens::{Claims, DEFAULT_MAX_LIFETIME_SECONDS, IssuerPolicy, TrustedIssuer};

pub const KEY_ID: &str = "dsar-demo-1";

pub struct DemoIssuer {
    /// The citizen issuer (`{base_url}/dev/citizen`).
    pub issuer: String,
    /// The staff issuer (`{base_url}/dev/staff`).
    pub staff_issuer: String,
    pub audience: String,
    key: EncodingKey,
    jwks: JwkSet,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoIssuerError {
    #[error("demo issuer key: {0}")]
    Key(String),
    #[error("demo issuer key file: {0}")]
    Io(#[from] std::io::Error),
}

impl DemoIssuer {
    /// Loads the key from `key_path`, or creates one there, so tokens survive a restart.
    /// `base` is the issuers' common prefix (`{base_url}/dev`).
    pub fn load_or_create(
        base: &str,
        audience: String,
        key_path: &std::path::Path,
    ) -> Result<Self, DemoIssuerError> {
        let pem = match std::fs::read_to_string(key_path) {
            Ok(pem) => pem,
            Err(_) => {
                let secret = p256::SecretKey::random(&mut rand::rngs::OsRng);
                let pem = secret
                    .to_pkcs8_pem(LineEnding::LF)
                    .map_err(|e| DemoIssuerError::Key(e.to_string()))?;
                if let Some(dir) = key_path.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                crate::crypto::write_private_file(key_path, pem.as_bytes())?;
                pem.to_string()
            }
        };
        let key = EncodingKey::from_ec_pem(pem.as_bytes())
            .map_err(|e| DemoIssuerError::Key(e.to_string()))?;
        let mut jwk = Jwk::from_encoding_key(&key, Algorithm::ES256)
            .map_err(|e| DemoIssuerError::Key(e.to_string()))?;
        jwk.common.key_id = Some(KEY_ID.into());
        let base = base.trim_end_matches('/');
        Ok(Self {
            issuer: format!("{base}/citizen"),
            staff_issuer: format!("{base}/staff"),
            audience,
            key,
            jwks: JwkSet { keys: vec![jwk] },
        })
    }

    pub fn jwks(&self) -> &JwkSet {
        &self.jwks
    }

    /// The two trusted issuers: citizens (at substantial) and staff.
    pub fn trusted(&self) -> Vec<TrustedIssuer> {
        let max = DEFAULT_MAX_LIFETIME_SECONDS;
        vec![
            TrustedIssuer::with_keys(
                &self.issuer,
                &self.audience,
                vec![Algorithm::ES256],
                self.jwks.clone(),
                IssuerPolicy::citizen(None, max),
            ),
            TrustedIssuer::with_keys(
                &self.staff_issuer,
                &self.audience,
                vec![Algorithm::ES256],
                self.jwks.clone(),
                IssuerPolicy::staff(None, max),
            ),
        ]
    }

    /// Mints a token valid for `ttl_seconds`: a citizen's (from the citizen issuer, at
    /// substantial) when `pid` is given, else a staff member's (from the staff issuer).
    pub fn mint(
        &self,
        sub: &str,
        pid: Option<&str>,
        ttl_seconds: u64,
    ) -> Result<String, DemoIssuerError> {
        let now = jsonwebtoken::get_current_timestamp();
        let claims = Claims {
            iss: match pid {
                Some(_) => self.issuer.clone(),
                None => self.staff_issuer.clone(),
            },
            sub: sub.into(),
            exp: now + ttl_seconds,
            nbf: Some(now.saturating_sub(5)),
            iat: Some(now),
            pid: pid.map(Into::into),
            acr: pid.map(|_| super::tokens::DEFAULT_CITIZEN_MIN_ACR.into()),
        };
        let mut value =
            serde_json::to_value(&claims).map_err(|e| DemoIssuerError::Key(e.to_string()))?;
        value["aud"] = serde_json::Value::String(self.audience.clone());
        self.sign(&value)
    }

    /// Signs arbitrary claims with the demo key (tests use it to forge expired or misaddressed
    /// tokens that carry a valid signature).
    pub fn sign(&self, claims: &serde_json::Value) -> Result<String, DemoIssuerError> {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(KEY_ID.into());
        jsonwebtoken::encode(&header, claims, &self.key)
            .map_err(|e| DemoIssuerError::Key(e.to_string()))
    }
}
