//! The terminal's Ed25519 key pair: created from OS randomness, stored owner-only, never shown.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signer, SigningKey};
use zeroize::Zeroizing;

use crate::i18n::{Lang, Localize, trf};
use crate::seal::sign::PublicKey;

/// The key file's name inside the data directory.
pub const KEY_FILE: &str = "terminal.key";
const HEADER: &str = "ewarong terminal key v1";

/// Why the key could not be made, read or used. Never contains key material.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{}", self.localize(Lang::En))]
    Exists(PathBuf),
    #[error("{}", self.localize(Lang::En))]
    Missing(PathBuf),
    #[error("{}", self.localize(Lang::En))]
    Permissions { path: PathBuf, mode: u32 },
    #[error("{}", self.localize(Lang::En))]
    Format(PathBuf),
    #[error("{}", self.localize(Lang::En))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", self.localize(Lang::En))]
    Random,
}

impl Localize for KeyError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            Self::Exists(p) => trf(lang, "key.exists", &[("path", &p.display())]),
            Self::Missing(p) => trf(lang, "key.missing", &[("path", &p.display())]),
            Self::Permissions { path, mode } => trf(
                lang,
                "key.permissions",
                &[("path", &path.display()), ("mode", &format!("{mode:o}"))],
            ),
            Self::Format(p) => trf(lang, "key.format", &[("path", &p.display())]),
            Self::Io { path, source } => trf(
                lang,
                "key.io",
                &[("path", &path.display()), ("detail", source)],
            ),
            Self::Random => trf(lang, "key.random", &[]),
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
    pub fn create(path: &Path) -> Result<Self, KeyError> {
        let key = Self::generate()?;
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
        let text = Zeroizing::new(format!(
            "{HEADER}\n{}\n",
            STANDARD.encode(key.signing.to_bytes())
        ));
        file.write_all(text.as_bytes()).map_err(io)?;
        file.sync_all().map_err(io)?;
        tracing::info!(fingerprint = %key.public().fingerprint(), "terminal key created");
        Ok(key)
    }

    /// Reads the key. Refused if anyone but the owner may read the file.
    pub fn load(path: &Path) -> Result<Self, KeyError> {
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
        let format = || KeyError::Format(path.to_owned());
        if lines.next() != Some(HEADER) {
            return Err(format());
        }
        let seed = Zeroizing::new(
            STANDARD
                .decode(lines.next().unwrap_or_default().trim())
                .map_err(|_| format())?,
        );
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
        let key = TerminalKey::create(&path).unwrap();
        let loaded = TerminalKey::load(&path).unwrap();
        assert_eq!(key.public(), loaded.public());
        let sig = loaded.sign(b"halo");
        assert!(key.public().verify(b"halo", &sig));
        assert!(matches!(
            TerminalKey::create(&path),
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
        TerminalKey::create(&path).unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = TerminalKey::load(&path).unwrap_err();
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
            TerminalKey::load(&path),
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
                matches!(TerminalKey::load(&path), Err(KeyError::Format(_))),
                "{text:?}"
            );
        }
    }
}
