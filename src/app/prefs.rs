//! UI preferences: language, theme, printer. Kept in `ui.toml` beside the ledger; nothing in
//! here is ledger truth, and a missing or broken file just means the defaults.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use ewarong_core::i18n::Lang;

/// The file name in the data directory.
pub const PREFS_FILE: &str = "ui.toml";

/// Light or dark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    #[default]
    Light,
    Dark,
}

/// Receipt paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Paper {
    #[default]
    #[serde(rename = "58mm")]
    Mm58,
    #[serde(rename = "80mm")]
    Mm80,
}

impl Paper {
    /// Characters per line with the printer's standard font.
    pub fn columns(self) -> usize {
        match self {
            Self::Mm58 => 32,
            Self::Mm80 => 48,
        }
    }
    /// Paper width in PDF points (1/72 inch).
    pub fn width_pt(self) -> f32 {
        match self {
            Self::Mm58 => 164.4,
            Self::Mm80 => 226.8,
        }
    }
}

/// What the shopkeeper chose in Pengaturan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    #[serde(with = "lang_serde")]
    pub lang: Lang,
    pub theme: Theme,
    pub paper: Paper,
    /// Where ESC/POS bytes go: a printer device such as `/dev/usb/lp0`, or a file.
    pub printer: PathBuf,
}

impl Default for Prefs {
    fn default() -> Self {
        Self {
            lang: Lang::Id,
            theme: Theme::Light,
            paper: Paper::Mm58,
            printer: PathBuf::from("/dev/usb/lp0"),
        }
    }
}

mod lang_serde {
    use ewarong_core::i18n::Lang;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(lang: &Lang, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&lang.to_string())
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Lang, D::Error> {
        let s = String::deserialize(d)?;
        Ok(s.parse().unwrap_or_default())
    }
}

/// Reads the preferences; defaults when the file is missing or unreadable.
pub fn load(dir: &Path) -> Prefs {
    let path = dir.join(PREFS_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => toml::from_str(&text).unwrap_or_else(|e| {
            tracing::warn!(path = %path.display(), error = %e, "ignoring unreadable UI preferences");
            Prefs::default()
        }),
        Err(_) => Prefs::default(),
    }
}

/// Writes the preferences (atomically: a temporary file, then a rename).
pub fn save(dir: &Path, prefs: &Prefs) -> std::io::Result<()> {
    let text = toml::to_string(prefs).map_err(std::io::Error::other)?;
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!("{PREFS_FILE}.tmp"));
    std::fs::write(&tmp, text)?;
    std::fs::rename(tmp, dir.join(PREFS_FILE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_defaults() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path()), Prefs::default());
        let p = Prefs {
            lang: Lang::En,
            theme: Theme::Dark,
            paper: Paper::Mm80,
            printer: "/tmp/struk.bin".into(),
        };
        save(dir.path(), &p).unwrap();
        assert_eq!(load(dir.path()), p);
        std::fs::write(dir.path().join(PREFS_FILE), "lang = 7").unwrap();
        assert_eq!(load(dir.path()), Prefs::default());
    }
}
