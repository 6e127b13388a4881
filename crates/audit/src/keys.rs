//! Keys the deployment provides: one for digests of bodies sent, one for
//! signing checkpoints, and the matching key for verifying them.

use std::fmt;

use ed25519_dalek::{Signer as _, Verifier as _};
use hmac::{Hmac, Mac};
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

use crate::KeyError;

type HmacSha256 = Hmac<Sha256>;

/// The shortest HMAC key accepted, in bytes. Shorter keys make the
/// digests and checkpoint tags guessable.
pub const MIN_HMAC_KEY_LEN: usize = 16;

/// A secret key for keyed digests of the bodies sent to vendors.
///
/// A plain SHA-256 of a short body ("patient Jane Doe, DOB ...") could be
/// confirmed by hashing guesses; an HMAC cannot be without the key. Keep
/// this key apart from the checkpoint key: auditors who verify the log
/// need the second, not this one.
///
/// Debug never shows the key; the bytes are zeroized on drop.
#[derive(Clone)]
pub struct DigestKey {
    key: Zeroizing<Vec<u8>>,
}

impl DigestKey {
    /// A digest key from raw bytes.
    ///
    /// # Errors
    ///
    /// [`KeyError`] when the key is shorter than [`MIN_HMAC_KEY_LEN`].
    pub fn new(key: impl Into<Vec<u8>>) -> Result<Self, KeyError> {
        let key = Zeroizing::new(key.into());
        if key.len() < MIN_HMAC_KEY_LEN {
            return Err(KeyError::TooShort {
                min: MIN_HMAC_KEY_LEN,
            });
        }
        Ok(DigestKey { key })
    }

    /// A digest key from hexadecimal text.
    ///
    /// # Errors
    ///
    /// [`KeyError`] when the text is not hexadecimal or too short.
    pub fn from_hex(text: &str) -> Result<Self, KeyError> {
        let bytes = Zeroizing::new(hex::decode(text.trim()).map_err(|_| KeyError::NotHex)?);
        DigestKey::new(bytes.to_vec())
    }

    /// The keyed digest of `bytes`: `hmac-sha256:` and 64 hex digits.
    pub fn digest(&self, bytes: &[u8]) -> String {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("hmac accepts any key length");
        mac.update(bytes);
        format!("hmac-sha256:{}", hex::encode(mac.finalize().into_bytes()))
    }
}

impl fmt::Debug for DigestKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DigestKey(..)")
    }
}

/// The algorithm of a checkpoint signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureAlgorithm {
    /// HMAC-SHA256: the verifier holds the same secret as the writer.
    HmacSha256,
    /// Ed25519: the verifier holds only the public key.
    Ed25519,
}

impl SignatureAlgorithm {
    /// The name written in checkpoint records.
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureAlgorithm::HmacSha256 => "hmac-sha256",
            SignatureAlgorithm::Ed25519 => "ed25519",
        }
    }
}

impl fmt::Display for SignatureAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone)]
enum SigningMaterial {
    Hmac(Zeroizing<Vec<u8>>),
    Ed25519(Box<ed25519_dalek::SigningKey>),
}

/// The key that signs checkpoints, provided by the deployment.
///
/// Text form, for environment variables and files:
/// `hmac-sha256:<hex secret>` or `ed25519-seed:<64 hex digits>`.
/// Debug shows the algorithm and key id, never the key.
#[derive(Clone)]
pub struct CheckpointKey {
    material: SigningMaterial,
    key_id: String,
}

impl CheckpointKey {
    /// An HMAC-SHA256 signing key.
    ///
    /// # Errors
    ///
    /// [`KeyError`] when the key is shorter than [`MIN_HMAC_KEY_LEN`].
    pub fn hmac_sha256(secret: impl Into<Vec<u8>>) -> Result<Self, KeyError> {
        let secret = Zeroizing::new(secret.into());
        if secret.len() < MIN_HMAC_KEY_LEN {
            return Err(KeyError::TooShort {
                min: MIN_HMAC_KEY_LEN,
            });
        }
        let key_id = key_id(SignatureAlgorithm::HmacSha256, &secret);
        Ok(CheckpointKey {
            material: SigningMaterial::Hmac(secret),
            key_id,
        })
    }

    /// An Ed25519 signing key from its 32-byte seed.
    pub fn ed25519_from_seed(seed: &[u8; 32]) -> Self {
        let signing = ed25519_dalek::SigningKey::from_bytes(seed);
        let key_id = key_id(
            SignatureAlgorithm::Ed25519,
            signing.verifying_key().as_bytes(),
        );
        CheckpointKey {
            material: SigningMaterial::Ed25519(Box::new(signing)),
            key_id,
        }
    }

    /// Parses the text form (`hmac-sha256:<hex>` or `ed25519-seed:<hex>`).
    ///
    /// # Errors
    ///
    /// [`KeyError`] for an unknown prefix, bad hex or a wrong length.
    pub fn from_spec(spec: &str) -> Result<Self, KeyError> {
        let (alg, hex_text) = spec.trim().split_once(':').ok_or(KeyError::UnknownFormat)?;
        let bytes = Zeroizing::new(hex::decode(hex_text).map_err(|_| KeyError::NotHex)?);
        match alg {
            "hmac-sha256" => CheckpointKey::hmac_sha256(bytes.to_vec()),
            "ed25519-seed" => {
                let seed: Zeroizing<[u8; 32]> = Zeroizing::new(
                    bytes
                        .as_slice()
                        .try_into()
                        .map_err(|_| KeyError::WrongLength { expected: 32 })?,
                );
                Ok(CheckpointKey::ed25519_from_seed(&seed))
            }
            _ => Err(KeyError::UnknownFormat),
        }
    }

    /// The algorithm this key signs with.
    pub fn algorithm(&self) -> SignatureAlgorithm {
        match self.material {
            SigningMaterial::Hmac(_) => SignatureAlgorithm::HmacSha256,
            SigningMaterial::Ed25519(_) => SignatureAlgorithm::Ed25519,
        }
    }

    /// A short public identifier of the key, written in each checkpoint
    /// so a verifier holding several keys (after a rotation) picks the
    /// right one. It reveals nothing usable about the key.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The key that verifies this key's signatures: the same secret for
    /// HMAC, the public key for Ed25519.
    pub fn verify_key(&self) -> VerifyKey {
        let material = match &self.material {
            SigningMaterial::Hmac(secret) => VerifyMaterial::Hmac(secret.clone()),
            SigningMaterial::Ed25519(signing) => VerifyMaterial::Ed25519(signing.verifying_key()),
        };
        VerifyKey {
            material,
            key_id: self.key_id.clone(),
        }
    }

    pub(crate) fn sign(&self, message: &[u8]) -> String {
        match &self.material {
            SigningMaterial::Hmac(secret) => {
                let mut mac =
                    HmacSha256::new_from_slice(secret).expect("hmac accepts any key length");
                mac.update(message);
                hex::encode(mac.finalize().into_bytes())
            }
            SigningMaterial::Ed25519(signing) => hex::encode(signing.sign(message).to_bytes()),
        }
    }
}

impl fmt::Debug for CheckpointKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CheckpointKey")
            .field("algorithm", &self.algorithm())
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

#[derive(Clone)]
enum VerifyMaterial {
    Hmac(Zeroizing<Vec<u8>>),
    Ed25519(ed25519_dalek::VerifyingKey),
}

/// A key that verifies checkpoint signatures.
///
/// Text form: `hmac-sha256:<hex secret>` or `ed25519:<64 hex digits of the
/// public key>`. Debug shows the algorithm and key id only.
#[derive(Clone)]
pub struct VerifyKey {
    material: VerifyMaterial,
    key_id: String,
}

impl VerifyKey {
    /// An HMAC-SHA256 verification key (the signing secret itself).
    ///
    /// # Errors
    ///
    /// [`KeyError`] when the key is shorter than [`MIN_HMAC_KEY_LEN`].
    pub fn hmac_sha256(secret: impl Into<Vec<u8>>) -> Result<Self, KeyError> {
        Ok(CheckpointKey::hmac_sha256(secret)?.verify_key())
    }

    /// An Ed25519 public key.
    ///
    /// # Errors
    ///
    /// [`KeyError::InvalidPublicKey`] when the bytes are not a valid point.
    pub fn ed25519(public_key: &[u8; 32]) -> Result<Self, KeyError> {
        let verifying = ed25519_dalek::VerifyingKey::from_bytes(public_key)
            .map_err(|_| KeyError::InvalidPublicKey)?;
        let key_id = key_id(SignatureAlgorithm::Ed25519, verifying.as_bytes());
        Ok(VerifyKey {
            material: VerifyMaterial::Ed25519(verifying),
            key_id,
        })
    }

    /// Parses the text form (`hmac-sha256:<hex>` or `ed25519:<hex>`).
    ///
    /// # Errors
    ///
    /// [`KeyError`] for an unknown prefix, bad hex, a wrong length or an
    /// invalid public key.
    pub fn from_spec(spec: &str) -> Result<Self, KeyError> {
        let (alg, hex_text) = spec.trim().split_once(':').ok_or(KeyError::UnknownFormat)?;
        let bytes = Zeroizing::new(hex::decode(hex_text).map_err(|_| KeyError::NotHex)?);
        match alg {
            "hmac-sha256" => VerifyKey::hmac_sha256(bytes.to_vec()),
            "ed25519" => {
                let public: [u8; 32] = bytes
                    .as_slice()
                    .try_into()
                    .map_err(|_| KeyError::WrongLength { expected: 32 })?;
                VerifyKey::ed25519(&public)
            }
            _ => Err(KeyError::UnknownFormat),
        }
    }

    /// The algorithm this key verifies.
    pub fn algorithm(&self) -> SignatureAlgorithm {
        match self.material {
            VerifyMaterial::Hmac(_) => SignatureAlgorithm::HmacSha256,
            VerifyMaterial::Ed25519(_) => SignatureAlgorithm::Ed25519,
        }
    }

    /// The key's identifier, as written in checkpoints it signed.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The public text form `ed25519:<hex>` for an Ed25519 key; `None`
    /// for an HMAC key, whose only form is the secret itself.
    pub fn public_spec(&self) -> Option<String> {
        match &self.material {
            VerifyMaterial::Hmac(_) => None,
            VerifyMaterial::Ed25519(key) => {
                Some(format!("ed25519:{}", hex::encode(key.as_bytes())))
            }
        }
    }

    /// Whether `signature_hex` is this key's signature of `message`.
    /// HMAC tags are compared in constant time.
    pub(crate) fn verify(&self, message: &[u8], signature_hex: &str) -> bool {
        let Ok(signature) = hex::decode(signature_hex) else {
            return false;
        };
        match &self.material {
            VerifyMaterial::Hmac(secret) => {
                let mut mac =
                    HmacSha256::new_from_slice(secret).expect("hmac accepts any key length");
                mac.update(message);
                mac.verify_slice(&signature).is_ok()
            }
            VerifyMaterial::Ed25519(key) => {
                let Ok(signature) = ed25519_dalek::Signature::from_slice(&signature) else {
                    return false;
                };
                key.verify(message, &signature).is_ok()
            }
        }
    }
}

impl fmt::Debug for VerifyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyKey")
            .field("algorithm", &self.algorithm())
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

/// A public key identifier: 16 hex digits of a domain-separated SHA-256.
/// For HMAC this hashes the secret; a one-way hash of a key of at least
/// 128 bits tells nothing that helps guess it.
fn key_id(algorithm: SignatureAlgorithm, material: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"phiguard-audit key id\0");
    hasher.update(algorithm.as_str().as_bytes());
    hasher.update(b"\0");
    hasher.update(material);
    hex::encode(&hasher.finalize()[..8])
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn digest_depends_on_key_and_bytes() {
        let a = DigestKey::new(SECRET).unwrap();
        let b = DigestKey::new(&b"fedcba9876543210fedcba9876543210"[..]).unwrap();
        let d = a.digest(b"body");
        assert!(d.starts_with("hmac-sha256:") && d.len() == 12 + 64, "{d}");
        assert_eq!(d, a.digest(b"body"));
        assert_ne!(d, a.digest(b"bodY"));
        assert_ne!(d, b.digest(b"body"));
    }

    #[test]
    fn short_keys_are_refused() {
        assert!(DigestKey::new(&b"short"[..]).is_err());
        assert!(CheckpointKey::hmac_sha256(&b"short"[..]).is_err());
    }

    #[test]
    fn debug_hides_key_material() {
        let key = CheckpointKey::hmac_sha256(SECRET).unwrap();
        let shown = format!(
            "{key:?} {:?} {:?}",
            key.verify_key(),
            DigestKey::new(SECRET)
        );
        assert!(!shown.contains("0123456789abcdef"), "{shown}");
        assert!(!shown.contains(&hex::encode(SECRET)), "{shown}");
    }

    #[test]
    fn signatures_verify_only_with_the_matching_key() {
        for key in [
            CheckpointKey::hmac_sha256(SECRET).unwrap(),
            CheckpointKey::ed25519_from_seed(&[7; 32]),
        ] {
            let sig = key.sign(b"message");
            let verify = key.verify_key();
            assert_eq!(verify.key_id(), key.key_id());
            assert!(verify.verify(b"message", &sig));
            assert!(!verify.verify(b"messagf", &sig));
            let mut bad = sig.clone().into_bytes();
            bad[0] = if bad[0] == b'0' { b'1' } else { b'0' };
            assert!(!verify.verify(b"message", std::str::from_utf8(&bad).unwrap()));
        }
        let other = CheckpointKey::ed25519_from_seed(&[8; 32]).verify_key();
        let sig = CheckpointKey::ed25519_from_seed(&[7; 32]).sign(b"m");
        assert!(!other.verify(b"m", &sig));
    }

    #[test]
    fn text_forms_parse() {
        let seed_spec = format!("ed25519-seed:{}", hex::encode([9u8; 32]));
        let key = CheckpointKey::from_spec(&seed_spec).unwrap();
        let public = key.verify_key().public_spec().unwrap();
        let verify = VerifyKey::from_spec(&public).unwrap();
        assert_eq!(verify.key_id(), key.key_id());
        assert!(verify.verify(b"x", &key.sign(b"x")));

        let hmac_spec = format!("hmac-sha256:{}", hex::encode(SECRET));
        let key = CheckpointKey::from_spec(&hmac_spec).unwrap();
        let verify = VerifyKey::from_spec(&hmac_spec).unwrap();
        assert!(verify.verify(b"x", &key.sign(b"x")));

        assert!(matches!(
            VerifyKey::from_spec("rsa:00"),
            Err(KeyError::UnknownFormat)
        ));
        assert!(matches!(
            VerifyKey::from_spec("ed25519:zz"),
            Err(KeyError::NotHex)
        ));
        assert!(matches!(
            VerifyKey::from_spec("ed25519:0011"),
            Err(KeyError::WrongLength { expected: 32 })
        ));
    }
}
