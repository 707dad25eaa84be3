//! Files written whole or not at all, for the terminal's USB exports and the hub's answers;
//! and files and folders made owner-only, as the key file is.

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

/// Makes `path` reachable by its owner only: 0700 for a folder, 0600 for a file. On other
/// systems than Unix it does nothing (there the place in the user's profile protects it).
pub fn owner_only(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = if std::fs::metadata(path)?.is_dir() {
            0o700
        } else {
            0o600
        };
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}
