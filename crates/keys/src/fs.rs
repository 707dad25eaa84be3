//! Files written whole or not at all, for the terminal's USB exports and the hub's answers.

use std::path::Path;

/// Writes `text` to `path` whole or not at all: a stick pulled out mid-write leaves no half file.
pub fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let tmp = path.with_extension("tmp");
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)
}
