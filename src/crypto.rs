//! Identity numbers at rest: encrypted with ChaCha20-Poly1305 (AEAD) and found again through a
//! keyed hash (HMAC-SHA256), so the database never holds a number in clear.
use base64::{Engine, engine::general_purpose::STANDARD};
use chacha20poly1305::{
    ChaCha20Poly1305, Key, Nonce,
    aead::{Aead, AeadCore, KeyInit, OsRng, Payload},
};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::identity::{Pid, PidPolicy, SubjectId};

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("key material must be 32 bytes of hex")]
    BadKey,
    #[error("a stored identity number could not be decrypted")]
    Decrypt,
    #[error("could not read or write the key file: {0}")]
    KeyFile(#[from] std::io::Error),
}

#[derive(Clone)]
pub struct PidVault {
    cipher: ChaCha20Poly1305,
    hash_key: [u8; 32],
}

impl std::fmt::Debug for PidVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PidVault(***)")
    }
}

fn decode_key(hex_key: &str) -> Result<[u8; 32], VaultError> {
    hex::decode(hex_key)
        .ok()
        .and_then(|k| k.try_into().ok())
        .ok_or(VaultError::BadKey)
}

impl PidVault {
    pub fn new(encryption_key_hex: &str, hash_key_hex: &str) -> Result<Self, VaultError> {
        let enc = decode_key(encryption_key_hex)?;
        Ok(Self {
            cipher: ChaCha20Poly1305::new(Key::from_slice(&enc)),
            hash_key: decode_key(hash_key_hex)?,
        })
    }

    /// Keys from settings, or (outside production) from `keys.json` in the data dir, created
    /// with fresh random keys at first start so a restart can still read its own data.
    pub fn from_settings_or_data_dir(
        settings: &crate::config::Settings,
    ) -> Result<Self, VaultError> {
        if !settings.pid_encryption_key.is_empty() && !settings.pid_hash_key.is_empty() {
            return Self::new(
                settings.pid_encryption_key.expose(),
                settings.pid_hash_key.expose(),
            );
        }
        let path = settings.data_dir.join("pid-keys.json");
        if let Ok(text) = std::fs::read_to_string(&path) {
            let v: serde_json::Value =
                serde_json::from_str(&text).map_err(|_| VaultError::BadKey)?;
            let enc = v["encryption_key"].as_str().ok_or(VaultError::BadKey)?;
            let hash = v["hash_key"].as_str().ok_or(VaultError::BadKey)?;
            return Self::new(enc, hash);
        }
        std::fs::create_dir_all(&settings.data_dir)?;
        let enc = hex::encode(rand::random::<[u8; 32]>());
        let hash = hex::encode(rand::random::<[u8; 32]>());
        let body = serde_json::json!({ "encryption_key": enc, "hash_key": hash }).to_string();
        write_private_file(&path, body.as_bytes())?;
        Self::new(&enc, &hash)
    }

    /// The lookup hash: equal numbers give equal hashes; without the key it reveals nothing.
    pub fn lookup_hash(&self, pid: &Pid) -> String {
        self.hash_str(pid.as_str())
    }

    /// The lookup hash of any identifier; for a number the same as [`PidVault::lookup_hash`].
    pub fn subject_hash(&self, subject: &SubjectId) -> String {
        self.hash_str(&subject.lookup_key())
    }

    /// The lookup hash of one registration of an identifier that does not single a person out
    /// (a name with a birth date): unique each time, so two people who share a name and a
    /// birth date are never made one person by a guess. Staff link such a person by hand.
    pub fn registration_hash(&self, subject: &SubjectId) -> String {
        self.hash_str(&format!(
            "{}#{}",
            subject.lookup_key(),
            uuid::Uuid::new_v4()
        ))
    }

    /// Seals any identifier; for a number the same as [`PidVault::encrypt`].
    pub fn encrypt_subject(&self, subject: &SubjectId) -> String {
        self.seal(&subject.stored())
    }

    /// Opens what [`PidVault::encrypt_subject`] (or [`PidVault::encrypt`]) sealed.
    pub fn decrypt_subject(&self, stored: &str) -> Result<SubjectId, VaultError> {
        SubjectId::from_stored(&self.open(stored)?).ok_or(VaultError::Decrypt)
    }

    fn hash_str(&self, value: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.hash_key)
            .expect("HMAC takes any key length");
        mac.update(value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// A stable pseudonym for audit records and reports (a prefix of the lookup hash).
    pub fn pseudonym(&self, pid: &Pid) -> String {
        self.lookup_hash(pid)[..16].to_string()
    }

    /// A stable pseudonym of any id (reports: a person id), without decrypting anything.
    /// Domain-separated from the pid hashes so the two can never be matched up.
    pub fn pseudonym_of(&self, id: &[u8]) -> String {
        self.pseudonymizer().of(id)
    }

    /// [`PidVault::pseudonym_of`] prepared once for many ids (the case list): the key and the
    /// domain prefix are absorbed up front, so each id costs one hash of the id.
    pub fn pseudonymizer(&self) -> Pseudonymizer {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.hash_key)
            .expect("HMAC takes any key length");
        mac.update(b"dsar-pseudonym-of:");
        Pseudonymizer(mac)
    }

    pub fn encrypt(&self, pid: &Pid) -> String {
        self.seal(pid.as_str())
    }

    /// Encrypts any text (collected records, operation parameters) the same way as a pid.
    pub fn seal(&self, plain: &str) -> String {
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        let ct = self
            .cipher
            .encrypt(&nonce, plain.as_bytes())
            .unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        STANDARD.encode(out)
    }

    /// Opens what `seal` produced.
    pub fn open(&self, stored: &str) -> Result<String, VaultError> {
        let raw = STANDARD.decode(stored).map_err(|_| VaultError::Decrypt)?;
        if raw.len() < 12 {
            return Err(VaultError::Decrypt);
        }
        let (nonce, ct) = raw.split_at(12);
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), ct)
            .map_err(|_| VaultError::Decrypt)?;
        String::from_utf8(plain).map_err(|_| VaultError::Decrypt)
    }

    pub fn decrypt(&self, stored: &str) -> Result<Pid, VaultError> {
        let text = self.open(stored)?;
        Pid::parse(
            &text,
            PidPolicy {
                allow_synthetic: true,
            },
        )
        .map_err(|_| VaultError::Decrypt)
    }

    /// Encrypts bytes bound to `context` (AEAD associated data), so a value sealed for one use
    /// (a login session) cannot be passed off as another (an identity number).
    pub fn seal_bound(&self, context: &[u8], plain: &[u8]) -> String {
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        let ct = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plain,
                    aad: context,
                },
            )
            .unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        STANDARD.encode(out)
    }

    /// Opens what `seal_bound` made with the same `context`.
    pub fn open_bound(&self, context: &[u8], sealed: &str) -> Result<Vec<u8>, VaultError> {
        let raw = STANDARD.decode(sealed).map_err(|_| VaultError::Decrypt)?;
        if raw.len() < 12 {
            return Err(VaultError::Decrypt);
        }
        let (nonce, ct) = raw.split_at(12);
        self.cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ct,
                    aad: context,
                },
            )
            .map_err(|_| VaultError::Decrypt)
    }
}

/// Keyed pseudonyms of ids; see [`PidVault::pseudonymizer`]. Holds key material: not `Debug`.
#[derive(Clone)]
pub struct Pseudonymizer(Hmac<Sha256>);

impl Pseudonymizer {
    /// The first 8 bytes of the HMAC, as 16 hex characters.
    pub fn of(&self, id: &[u8]) -> String {
        let mut mac = self.0.clone();
        mac.update(id);
        let digest = mac.finalize().into_bytes();
        hex::encode(&digest[..8])
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn vault() -> PidVault {
        PidVault::new(&"11".repeat(32), &"22".repeat(32)).unwrap()
    }

    #[test]
    fn round_trip_and_no_clear_text() {
        let v = vault();
        let pid = crate::identity::synthetic_pid(1, 1, 90, 123, true, false)
            .or_else(|| crate::identity::synthetic_pid(1, 1, 90, 124, true, false))
            .unwrap();
        let stored = v.encrypt(&pid);
        assert!(!stored.contains(pid.as_str()));
        assert_eq!(v.decrypt(&stored).unwrap(), pid);
        // Fresh nonce each time.
        assert_ne!(v.encrypt(&pid), stored);
        // Same number, same lookup hash; other key, other hash.
        assert_eq!(v.lookup_hash(&pid), v.lookup_hash(&pid));
        let other = PidVault::new(&"11".repeat(32), &"33".repeat(32)).unwrap();
        assert_ne!(v.lookup_hash(&pid), other.lookup_hash(&pid));
    }

    #[test]
    fn pseudonyms_are_a_keyed_hash_of_the_id_and_stable() {
        let v = vault();
        let id = [7u8; 16];
        // HMAC-SHA256(hash key, "dsar-pseudonym-of:" || id), first 8 bytes in hex.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&[0x22; 32]).unwrap();
        mac.update(b"dsar-pseudonym-of:");
        mac.update(&id);
        let want = hex::encode(&mac.finalize().into_bytes()[..8]);
        let p = v.pseudonymizer();
        assert_eq!(p.of(&id), want);
        assert_eq!(v.pseudonym_of(&id), want);
        assert_eq!(p.of(&id), p.of(&id), "the prepared state is not consumed");
        assert_ne!(p.of(&[8u8; 16]), want);
        let other = PidVault::new(&"11".repeat(32), &"33".repeat(32)).unwrap();
        assert_ne!(other.pseudonym_of(&id), want);
    }

    #[test]
    fn tampered_ciphertext_is_refused() {
        let v = vault();
        let pid = crate::identity::synthetic_pid(2, 3, 85, 200, true, false)
            .or_else(|| crate::identity::synthetic_pid(2, 3, 85, 201, true, false))
            .unwrap();
        let mut raw = STANDARD.decode(v.encrypt(&pid)).unwrap();
        let last = raw.len() - 1;
        raw[last] ^= 1;
        assert!(v.decrypt(&STANDARD.encode(raw)).is_err());
        assert!(v.decrypt("not base64!").is_err());
    }

    #[test]
    fn bound_values_open_only_in_their_context() {
        let v = vault();
        let sealed = v.seal_bound(b"session", b"{\"x\":1}");
        assert_eq!(v.open_bound(b"session", &sealed).unwrap(), b"{\"x\":1}");
        assert!(v.open_bound(b"other", &sealed).is_err());
        assert!(v.decrypt(&sealed).is_err());
    }

    #[test]
    fn bad_keys_are_refused() {
        assert!(PidVault::new("abcd", &"22".repeat(32)).is_err());
        assert!(PidVault::new(&"zz".repeat(32), &"22".repeat(32)).is_err());
    }
}

/// Writes a file that holds a key: created readable and writable by the owner only (0600 on
/// Unix, also when it already existed with wider rights), never readable by other users.
pub fn write_private_file(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let mut file = options.open(path)?;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        file.write_all(bytes)?;
        file.sync_all()
    }
    #[cfg(not(unix))]
    {
        let mut file = options.open(path)?;
        file.write_all(bytes)?;
        file.sync_all()
    }
}

#[cfg(all(test, unix))]
#[allow(clippy::unwrap_used)]
mod private_file_tests {
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn key_files_are_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("fresh.pem");
        super::write_private_file(&fresh, b"key").unwrap();
        let wide = dir.path().join("wide.pem");
        std::fs::write(&wide, b"old").unwrap();
        std::fs::set_permissions(&wide, std::fs::Permissions::from_mode(0o644)).unwrap();
        super::write_private_file(&wide, b"key").unwrap();
        for path in [fresh, wide] {
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", path.display());
            assert_eq!(std::fs::read(&path).unwrap(), b"key");
        }
    }
}
