//! The terminal's Ed25519 key pair: created from OS randomness, stored owner-only, never shown.

// Tests compute expected values with plain arithmetic; shipped code stays checked.
#![cfg_attr(
    test,
    allow(
        clippy::arithmetic_side_effects,
        clippy::type_complexity,
        clippy::cast_possible_truncation
    )
)]

pub mod fs;

use ewarong_core::key;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use ed25519_dalek::{Signer, SigningKey};
use zeroize::Zeroizing;

use ewarong_core::i18n::{Lang, Localize, trf};
use ewarong_core::seal::sign::PublicKey;

/// The key file's name inside the data directory.
pub const KEY_FILE: &str = "terminal.key";
/// The environment variable a passphrase for the key file is read from.
pub const PASSPHRASE_ENV: &str = "EWARONG_KEY_PASSPHRASE";
const HEADER: &str = "ewarong terminal key v1";
const HEADER_ENCRYPTED: &str = "ewarong terminal key v1 encrypted argon2id chacha20poly1305";

/// A passphrase that protects the key file. Wiped from memory on drop; `Debug` shows `***`.
pub struct Passphrase(Zeroizing<String>);

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase(***)")
    }
}

impl Passphrase {
    /// At least 8 characters.
    pub fn new(passphrase: &str) -> Result<Self, KeyError> {
        if passphrase.chars().count() < 8 {
            return Err(KeyError::WeakPassphrase);
        }
        Ok(Self(Zeroizing::new(passphrase.to_owned())))
    }

    /// The passphrase in the environment, if one is set there.
    pub fn from_env() -> Result<Option<Self>, KeyError> {
        match std::env::var(PASSPHRASE_ENV) {
            Ok(p) => {
                let p = Zeroizing::new(p);
                Self::new(&p).map(Some)
            }
            Err(_) => Ok(None),
        }
    }

    /// A 32-byte key from the passphrase and a salt: argon2id, 19 MiB, 2 passes.
    fn stretch(&self, salt: &[u8; 16]) -> Result<Zeroizing<[u8; 32]>, KeyError> {
        let params =
            argon2::Params::new(19 * 1024, 2, 1, Some(32)).map_err(|_| KeyError::Random)?;
        let kdf = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let mut out = Zeroizing::new([0u8; 32]);
        kdf.hash_password_into(self.0.as_bytes(), salt, out.as_mut())
            .map_err(|_| KeyError::Random)?;
        Ok(out)
    }
}

/// Why the key could not be made, read or used. Never contains key material.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    Exists(PathBuf),
    Missing(PathBuf),
    Permissions {
        path: PathBuf,
        mode: u32,
    },
    Format(PathBuf),
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    Random,
    NeedsPassphrase(PathBuf),
    WrongPassphrase(PathBuf),
    WeakPassphrase,
}

ewarong_core::english_display!(KeyError);

impl Localize for KeyError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            Self::Exists(p) => trf(lang, key!("key.exists"), &[("path", &p.display())]),
            Self::Missing(p) => trf(lang, key!("key.missing"), &[("path", &p.display())]),
            Self::Permissions { path, mode } => trf(
                lang,
                key!("key.permissions"),
                &[("path", &path.display()), ("mode", &format!("{mode:o}"))],
            ),
            Self::Format(p) => trf(lang, key!("key.format"), &[("path", &p.display())]),
            Self::Io { path, source } => trf(
                lang,
                key!("key.io"),
                &[("path", &path.display()), ("detail", source)],
            ),
            Self::Random => trf(lang, key!("key.random"), &[]),
            Self::NeedsPassphrase(p) => trf(
                lang,
                key!("key.needs_passphrase"),
                &[("path", &p.display())],
            ),
            Self::WrongPassphrase(p) => trf(
                lang,
                key!("key.wrong_passphrase"),
                &[("path", &p.display())],
            ),
            Self::WeakPassphrase => trf(lang, key!("key.weak_passphrase"), &[]),
        }
    }
}

/// The terminal's signing key. `Debug` shows only the public fingerprint.
pub struct TerminalKey {
    signing: SigningKey,
}

impl fmt::Debug for TerminalKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "TerminalKey {{ public: {} }}",
            self.public().fingerprint()
        )
    }
}

impl TerminalKey {
    /// A new key from the operating system's randomness.
    pub fn generate() -> Result<Self, KeyError> {
        let mut seed = Zeroizing::new([0u8; 32]);
        getrandom::fill(seed.as_mut()).map_err(|_| KeyError::Random)?;
        Ok(Self {
            signing: SigningKey::from_bytes(&seed),
        })
    }

    /// A key from a known seed: for test vectors and benchmarks only. A terminal's real key
    /// always comes from [`TerminalKey::generate`].
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Self {
            signing: SigningKey::from_bytes(seed),
        }
    }

    /// Generates a key and writes it to `path`, readable by its owner only. Never overwrites.
    pub fn create(path: &Path, passphrase: Option<&Passphrase>) -> Result<Self, KeyError> {
        let key = Self::generate()?;
        let text = match passphrase {
            None => Zeroizing::new(format!(
                "{HEADER}\n{}\n",
                STANDARD.encode(key.signing.to_bytes())
            )),
            Some(pass) => {
                let mut salt = [0u8; 16];
                let mut nonce = [0u8; 12];
                getrandom::fill(&mut salt).map_err(|_| KeyError::Random)?;
                getrandom::fill(&mut nonce).map_err(|_| KeyError::Random)?;
                let stretched = pass.stretch(&salt)?;
                let cipher = ChaCha20Poly1305::new_from_slice(stretched.as_ref())
                    .map_err(|_| KeyError::Random)?;
                let seed = Zeroizing::new(key.signing.to_bytes());
                let sealed = cipher
                    .encrypt(
                        &Nonce::from(nonce),
                        Payload {
                            msg: seed.as_ref(),
                            aad: HEADER_ENCRYPTED.as_bytes(),
                        },
                    )
                    .map_err(|_| KeyError::Random)?;
                Zeroizing::new(format!(
                    "{HEADER_ENCRYPTED}\n{}\n{}\n{}\n",
                    STANDARD.encode(salt),
                    STANDARD.encode(nonce),
                    STANDARD.encode(sealed)
                ))
            }
        };
        let io = |source| KeyError::Io {
            path: path.to_owned(),
            source,
        };
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => KeyError::Exists(path.to_owned()),
            _ => io(e),
        })?;
        file.write_all(text.as_bytes()).map_err(io)?;
        file.sync_all().map_err(io)?;
        tracing::info!(fingerprint = %key.public().fingerprint(), encrypted = passphrase.is_some(), "terminal key created");
        Ok(key)
    }

    /// Reads the key. Refused if anyone but the owner may read the file.
    pub fn load(path: &Path, passphrase: Option<&Passphrase>) -> Result<Self, KeyError> {
        let io = |source: std::io::Error| match source.kind() {
            std::io::ErrorKind::NotFound => KeyError::Missing(path.to_owned()),
            _ => KeyError::Io {
                path: path.to_owned(),
                source,
            },
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path).map_err(io)?.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(KeyError::Permissions {
                    path: path.to_owned(),
                    mode,
                });
            }
        }
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(io)?);
        let mut lines = text.lines();
        let header = lines.next();
        let format = || KeyError::Format(path.to_owned());
        let mut field = || {
            STANDARD
                .decode(lines.next().unwrap_or_default().trim())
                .map_err(|_| format())
        };
        let seed: Zeroizing<Vec<u8>> = match header {
            Some(HEADER) => Zeroizing::new(field()?),
            Some(HEADER_ENCRYPTED) => {
                let salt: [u8; 16] = field()?.try_into().map_err(|_| format())?;
                let nonce: [u8; 12] = field()?.try_into().map_err(|_| format())?;
                let sealed = field()?;
                let pass = passphrase.ok_or_else(|| KeyError::NeedsPassphrase(path.to_owned()))?;
                let stretched = pass.stretch(&salt)?;
                let cipher = ChaCha20Poly1305::new_from_slice(stretched.as_ref())
                    .map_err(|_| KeyError::Random)?;
                Zeroizing::new(
                    cipher
                        .decrypt(
                            &Nonce::from(nonce),
                            Payload {
                                msg: &sealed,
                                aad: HEADER_ENCRYPTED.as_bytes(),
                            },
                        )
                        .map_err(|_| KeyError::WrongPassphrase(path.to_owned()))?,
                )
            }
            _ => return Err(format()),
        };
        let seed: &[u8; 32] = seed.as_slice().try_into().map_err(|_| format())?;
        Ok(Self {
            signing: SigningKey::from_bytes(seed),
        })
    }

    pub fn public(&self) -> PublicKey {
        PublicKey::from_dalek(self.signing.verifying_key())
    }

    /// The Ed25519 signature of `message`.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.signing.sign(message).to_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_created_key_loads_back_and_signs() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join(KEY_FILE);
        let key = TerminalKey::create(&path, None).unwrap();
        let loaded = TerminalKey::load(&path, None).unwrap();
        assert_eq!(key.public(), loaded.public());
        let sig = loaded.sign(b"halo");
        assert!(key.public().verify(b"halo", &sig));
        assert!(matches!(
            TerminalKey::create(&path, None),
            Err(KeyError::Exists(_))
        ));
        // Debug shows the fingerprint, never the seed.
        let seed = STANDARD.encode(key.signing.to_bytes());
        let shown = format!("{key:?}");
        assert!(!shown.contains(&seed) && shown.contains(&key.public().fingerprint()));
    }

    #[cfg(unix)]
    #[test]
    fn the_key_file_is_owner_only_and_others_are_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join(KEY_FILE);
        TerminalKey::create(&path, None).unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = TerminalKey::load(&path, None).unwrap_err();
        assert!(
            matches!(err, KeyError::Permissions { mode: 0o644, .. }),
            "{err:?}"
        );
        assert!(
            err.localize(Lang::Id).contains("chmod 600"),
            "{}",
            err.localize(Lang::Id)
        );
    }

    #[test]
    fn broken_key_files_are_refused() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join(KEY_FILE);
        assert!(matches!(
            TerminalKey::load(&path, None),
            Err(KeyError::Missing(_))
        ));
        for text in [
            "",
            "ewarong terminal key v1\nnot base64!\n",
            "ewarong terminal key v1\nAAAA\n",
            "other\n",
        ] {
            std::fs::write(&path, text).unwrap();
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
            }
            assert!(
                matches!(TerminalKey::load(&path, None), Err(KeyError::Format(_))),
                "{text:?}"
            );
        }
    }

    #[test]
    fn a_passphrase_encrypts_the_key_file() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join(KEY_FILE);
        let pass = Passphrase::new("kunci rahasia warung").unwrap();
        let key = TerminalKey::create(&path, Some(&pass)).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with(HEADER_ENCRYPTED));
        assert!(
            !text.contains(&STANDARD.encode(key.signing.to_bytes())),
            "the seed is not in the file"
        );
        assert_eq!(
            TerminalKey::load(&path, Some(&pass)).unwrap().public(),
            key.public()
        );
        assert!(matches!(
            TerminalKey::load(&path, None),
            Err(KeyError::NeedsPassphrase(_))
        ));
        let wrong = Passphrase::new("bukan kata sandinya").unwrap();
        assert!(matches!(
            TerminalKey::load(&path, Some(&wrong)),
            Err(KeyError::WrongPassphrase(_))
        ));
        assert!(matches!(
            Passphrase::new("pendek"),
            Err(KeyError::WeakPassphrase)
        ));
        assert!(!format!("{pass:?}").contains("rahasia"));
        // A plain key file loads whether or not a passphrase is given.
        let plain = dir.path().join("plain.key");
        let k = TerminalKey::create(&plain, None).unwrap();
        assert_eq!(
            TerminalKey::load(&plain, Some(&pass)).unwrap().public(),
            k.public()
        );
    }
}
