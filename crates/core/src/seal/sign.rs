//! Ed25519 public keys and signature checks: what any verifier needs, with no private key in sight.

use std::fmt;
use std::str::FromStr;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, VerifyingKey};
use sha2::{Digest, Sha256};

/// A terminal's (or the hub's) Ed25519 public key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

/// A public key that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an Ed25519 public key (32 bytes, base64): {0}")]
pub struct PublicKeyError(pub String);

impl PublicKey {
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, PublicKeyError> {
        VerifyingKey::from_bytes(bytes)
            .map(Self)
            .map_err(|_| PublicKeyError(STANDARD.encode(bytes)))
    }

    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// `ab12 cd34 ef56 7890`: the first 8 bytes of SHA-256(key), for reading aloud or comparing by eye.
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::digest(self.0.as_bytes());
        let hex = super::hash::hex(digest.get(..8).unwrap_or_default());
        hex.as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// True when `signature` is this key's Ed25519 signature of `message` (strict verification).
    pub fn verify(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        self.0
            .verify_strict(message, &Signature::from_bytes(signature))
            .is_ok()
    }

    pub fn from_dalek(key: VerifyingKey) -> Self {
        Self(key)
    }
}

impl fmt::Display for PublicKey {
    /// Standard base64 of the 32 key bytes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&STANDARD.encode(self.0.as_bytes()))
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({self})")
    }
}

impl FromStr for PublicKey {
    type Err = PublicKeyError;
    fn from_str(s: &str) -> Result<Self, PublicKeyError> {
        let bytes = STANDARD
            .decode(s.trim())
            .map_err(|_| PublicKeyError(s.trim().to_owned()))?;
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|_| PublicKeyError(s.trim().to_owned()))?;
        Self::from_bytes(&bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    #[test]
    fn rfc8032_test_vector_1() {
        // RFC 8032, section 7.1, TEST 1 (empty message).
        let secret: [u8; 32] =
            hex32("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        let key = SigningKey::from_bytes(&secret);
        let public = PublicKey::from_dalek(key.verifying_key());
        assert_eq!(
            super::super::hash::hex(&public.to_bytes()),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
        );
        let sig = key.sign(b"").to_bytes();
        assert_eq!(
            super::super::hash::hex(&sig),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        );
        assert!(public.verify(b"", &sig));
        assert!(!public.verify(b"x", &sig));
        let round: PublicKey = public.to_string().parse().unwrap();
        assert_eq!(round, public);
        assert_eq!(public.fingerprint().len(), 19);
    }

    #[test]
    fn bad_keys_are_refused() {
        for bad in ["", "abc", "AAAA", &STANDARD.encode([0u8; 31])] {
            assert!(bad.parse::<PublicKey>().is_err(), "{bad}");
        }
    }

    fn hex32(s: &str) -> [u8; 32] {
        let v: Vec<u8> = (0..64)
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect();
        v.try_into().unwrap()
    }
}
