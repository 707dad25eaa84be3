//! `ewarong-release`: the release key, and the signature over a release's `SHA256SUMS`.
//!
//! `init` makes the release key (owner-only, sealed with `EWARONG_KEY_PASSPHRASE` when set),
//! `public` prints its public key as PEM, `sign` writes `SHA256SUMS.sig` (the 64-byte Ed25519
//! signature, raw, as `openssl pkeyutl -verify -rawin` reads it), `verify` checks one. The same
//! key file format and code as the terminal key (`ewarong_keys::TerminalKey`).

// A command-line tool: its answers go to stdout.
#![allow(clippy::print_stdout)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use clap::{Parser, Subcommand};
use ewarong_core::i18n::{Lang, Localize, help, trf};
use ewarong_core::key;
use ewarong_core::seal::sign::PublicKey;
use ewarong_keys::{Passphrase, TerminalKey};

/// The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): the 32 key bytes follow.
const SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

#[derive(Debug, Parser)]
#[command(name = "ewarong-release", version = ewarong_core::PROGRAM_VERSION, about = help(key!("release.help.about")))]
struct Cli {
    #[arg(long, global = true, env = "EWARONG_LANG", default_value = "id", help = help(key!("help.lang")))]
    lang: Lang,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    #[command(about = help(key!("release.help.init")))]
    Init {
        #[arg(long, help = help(key!("release.help.key")))]
        key: PathBuf,
    },
    #[command(about = help(key!("release.help.public")))]
    Public {
        #[arg(long, help = help(key!("release.help.key")))]
        key: PathBuf,
    },
    #[command(about = help(key!("release.help.sign")))]
    Sign {
        #[arg(long, help = help(key!("release.help.key")))]
        key: PathBuf,
        #[arg(help = help(key!("release.help.sums")))]
        sums: PathBuf,
    },
    #[command(about = help(key!("release.help.verify")))]
    Verify {
        #[arg(long, help = help(key!("release.help.public_pem")))]
        public: PathBuf,
        #[arg(help = help(key!("release.help.sums")))]
        sums: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ewarong-release: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn passphrase(lang: Lang) -> Result<Option<Passphrase>> {
    Passphrase::from_env().map_err(|e| anyhow::anyhow!(e.localize(lang)))
}

fn load(path: &Path, lang: Lang) -> Result<TerminalKey> {
    TerminalKey::load(path, passphrase(lang)?.as_ref())
        .map_err(|e| anyhow::anyhow!(e.localize(lang)))
}

/// The public key as a PEM `PUBLIC KEY` (SubjectPublicKeyInfo), as OpenSSL reads it.
fn public_pem(key: &PublicKey) -> String {
    let mut der = SPKI_PREFIX.to_vec();
    der.extend_from_slice(&key.to_bytes());
    format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        STANDARD.encode(der)
    )
}

fn parse_pem(text: &str) -> Option<PublicKey> {
    let body: String = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with("-----") && !l.is_empty())
        .collect();
    let der = STANDARD.decode(body).ok()?;
    let key = der.strip_prefix(SPKI_PREFIX.as_slice())?;
    PublicKey::from_bytes(&<[u8; 32]>::try_from(key).ok()?).ok()
}

fn signature_path(sums: &Path) -> PathBuf {
    let mut name = sums.as_os_str().to_owned();
    name.push(".sig");
    PathBuf::from(name)
}

fn run(cli: &Cli) -> Result<()> {
    let lang = cli.lang;
    match &cli.command {
        Command::Init { key } => {
            let k = TerminalKey::create(key, passphrase(lang)?.as_ref())
                .map_err(|e| anyhow::anyhow!(e.localize(lang)))?;
            println!(
                "{}",
                trf(
                    lang,
                    key!("release.created"),
                    &[
                        ("path", &key.display()),
                        ("fingerprint", &k.public().fingerprint())
                    ]
                )
            );
        }
        Command::Public { key } => print!("{}", public_pem(&load(key, lang)?.public())),
        Command::Sign { key, sums } => {
            let k = load(key, lang)?;
            let text = std::fs::read(sums).with_context(|| sums.display().to_string())?;
            let out = signature_path(sums);
            std::fs::write(&out, k.sign(&text)).with_context(|| out.display().to_string())?;
            println!(
                "{}",
                trf(
                    lang,
                    key!("release.signed"),
                    &[
                        ("path", &out.display()),
                        ("fingerprint", &k.public().fingerprint())
                    ]
                )
            );
        }
        Command::Verify { public, sums } => {
            let pem =
                std::fs::read_to_string(public).with_context(|| public.display().to_string())?;
            let Some(key) = parse_pem(&pem) else {
                bail!(trf(
                    lang,
                    key!("release.bad_pem"),
                    &[("path", &public.display())]
                ));
            };
            let text = std::fs::read(sums).with_context(|| sums.display().to_string())?;
            let sig_path = signature_path(sums);
            let sig = std::fs::read(&sig_path).with_context(|| sig_path.display().to_string())?;
            let ok = <[u8; 64]>::try_from(sig.as_slice()).is_ok_and(|s| key.verify(&text, &s));
            if !ok {
                bail!(trf(
                    lang,
                    key!("release.bad_signature"),
                    &[
                        ("path", &sums.display()),
                        ("fingerprint", &key.fingerprint())
                    ]
                ));
            }
            println!(
                "{}",
                trf(
                    lang,
                    key!("release.verified"),
                    &[
                        ("path", &sums.display()),
                        ("fingerprint", &key.fingerprint())
                    ]
                )
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pem_is_the_rfc_8410_encoding_and_reads_back() {
        let key = TerminalKey::from_seed(&[7; 32]).public();
        let pem = public_pem(&key);
        assert!(
            pem.starts_with("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA"),
            "{pem}"
        );
        assert_eq!(parse_pem(&pem), Some(key));
        assert_eq!(
            parse_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"),
            None
        );
    }
}
