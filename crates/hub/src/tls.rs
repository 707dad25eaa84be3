//! TLS on the hub itself (rustls): a self-signed certificate made once for the names the hub
//! answers to, loaded with its key for serving, and vouched for by the hub key so that a
//! terminal that pinned the hub key pins the certificate too. No public CA is needed.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use super::HubIdentity;
use ewarong_core::hub_auth::{pem_certificates_der, tls_endorsement_text};
use ewarong_core::protocol::b64;
use ewarong_keys::fs::write_atomic;

/// The certificate file in the hub's data directory.
pub const TLS_CERT_FILE: &str = "tls.crt";
/// Its private key, owner-only.
pub const TLS_KEY_FILE: &str = "tls.key";

/// Why TLS could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("{0} already exists; a hub's TLS key is never overwritten (move it away first)")]
    Exists(PathBuf),
    #[error("--name: at least one name (DNS name or IP address) the terminals use for this hub")]
    NoName,
    #[error("the certificate could not be made: {0}")]
    Generate(String),
    #[error("{path}: {detail}")]
    File { path: PathBuf, detail: String },
    #[error("the TLS configuration was refused: {0}")]
    Config(String),
}

/// The certificate and key paths in `dir`.
pub fn files(dir: &Path) -> (PathBuf, PathBuf) {
    (dir.join(TLS_CERT_FILE), dir.join(TLS_KEY_FILE))
}

/// Makes a self-signed certificate for `names` (DNS names or IP addresses) with a new key, in
/// `dir`. Returns the certificate, PEM. Refuses to overwrite either file.
pub fn init(dir: &Path, names: &[String]) -> Result<String, TlsError> {
    if names.is_empty() {
        return Err(TlsError::NoName);
    }
    let (cert_path, key_path) = files(dir);
    for p in [&cert_path, &key_path] {
        if p.exists() {
            return Err(TlsError::Exists(p.clone()));
        }
    }
    let mut params = rcgen::CertificateParams::new(names.to_vec())
        .map_err(|e| TlsError::Generate(e.to_string()))?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "ewarong-hub");
    params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    let key = rcgen::KeyPair::generate().map_err(|e| TlsError::Generate(e.to_string()))?;
    let cert = params
        .self_signed(&key)
        .map_err(|e| TlsError::Generate(e.to_string()))?;
    let file_err = |path: &Path, e: std::io::Error| TlsError::File {
        path: path.to_owned(),
        detail: e.to_string(),
    };
    // The key first, owner-only: a certificate without its key is of no use to anyone.
    let key_pem = key.serialize_pem();
    write_atomic(&key_path, &key_pem).map_err(|e| file_err(&key_path, e))?;
    owner_only(&key_path).map_err(|e| file_err(&key_path, e))?;
    let pem = cert.pem();
    write_atomic(&cert_path, &pem).map_err(|e| file_err(&cert_path, e))?;
    tracing::info!(cert = %cert_path.display(), names = ?names, "TLS certificate made");
    Ok(pem)
}

#[cfg(unix)]
fn owner_only(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn owner_only(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

/// What serving TLS needs: the rustls configuration and the certificate to show terminals.
#[derive(Debug, Clone)]
pub struct Tls {
    pub config: Arc<rustls::ServerConfig>,
    /// The certificate and any chain after it, PEM, as the file holds them.
    pub certificate: String,
}

/// Loads a certificate chain and key (PEM files).
pub fn load(cert_path: &Path, key_path: &Path) -> Result<Tls, TlsError> {
    let file_err = |path: &Path, detail: String| TlsError::File {
        path: path.to_owned(),
        detail,
    };
    let certificate =
        std::fs::read_to_string(cert_path).map_err(|e| file_err(cert_path, e.to_string()))?;
    let chain = CertificateDer::pem_slice_iter(certificate.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| file_err(cert_path, e.to_string()))?;
    if chain.is_empty() {
        return Err(file_err(cert_path, "holds no certificate".into()));
    }
    let key =
        PrivateKeyDer::from_pem_file(key_path).map_err(|e| file_err(key_path, e.to_string()))?;
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| TlsError::Config(e.to_string()))?
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .map_err(|e| TlsError::Config(e.to_string()))?;
    Ok(Tls {
        config: Arc::new(config),
        certificate,
    })
}

/// The hub key's signature over the certificate and its chain, base64: what `GET /v1/health`
/// shows beside them.
pub fn endorse(identity: &HubIdentity, certificate_pem: &str) -> Option<String> {
    let ders = pem_certificates_der(certificate_pem);
    if ders.is_empty() {
        return None;
    }
    Some(b64(&identity.sign(tls_endorsement_text(&ders).as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_certificate_is_made_once_loads_and_is_endorsed_by_the_hub_key() {
        let dir = tempfile::TempDir::new().unwrap();
        assert!(matches!(init(dir.path(), &[]), Err(TlsError::NoName)));
        let pem = init(dir.path(), &["hub.example.id".into(), "127.0.0.1".into()]).unwrap();
        let again = init(dir.path(), &["other".into()]);
        assert!(matches!(again, Err(TlsError::Exists(_))), "{again:?}");
        let (c, k) = files(dir.path());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&k).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let tls = load(&c, &k).unwrap();
        assert_eq!(tls.certificate, pem);
        let identity = HubIdentity::from_seed(&[1; 32]);
        let endorsement = endorse(&identity, &pem).unwrap();
        assert!(ewarong_core::hub_auth::tls_endorsed(
            &identity.public(),
            &pem,
            &endorsement
        ));
        // A key file that is not a key is refused with its path.
        std::fs::write(&k, "garbage").unwrap();
        let e = load(&c, &k).unwrap_err().to_string();
        assert!(e.contains("tls.key"), "{e}");
    }
}
