//! Stage 5: writing files, touching only those whose content changed (so Cargo does not
//! rebuild what did not change), or checking that they are up to date.

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteMode {
    /// Write files whose content differs.
    Write,
    /// Write nothing; report files whose content differs.
    Check,
}

/// Writes `files` (paths relative to `root`); returns those that differed from what was on disk.
pub fn write_files(root: &Path, files: &[(PathBuf, String)], mode: WriteMode) -> io::Result<Vec<PathBuf>> {
    let mut changed = Vec::new();
    for (relative, contents) in files {
        let path = root.join(relative);
        let current = std::fs::read(&path).ok();
        if current.as_deref() == Some(contents.as_bytes()) {
            continue;
        }
        changed.push(path.clone());
        if mode == WriteMode::Write {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            // Write beside and rename, so a reader never sees half a file.
            let temporary = path.with_extension("apigen-tmp");
            std::fs::write(&temporary, contents)?;
            std::fs::rename(&temporary, &path)?;
        }
    }
    Ok(changed)
}

/// Writes a crate's `files` under `dir` as [`write_files`] does, and removes (or, checking,
/// reports) files under its `src/` that are not among them: what an earlier generation wrote
/// for a module that is gone.
pub fn write_crate(dir: &Path, files: &[(PathBuf, String)], mode: WriteMode) -> io::Result<Vec<PathBuf>> {
    let mut changed = write_files(dir, files, mode)?;
    let expected: BTreeSet<PathBuf> = files.iter().map(|(path, _)| dir.join(path)).collect();
    let Ok(entries) = std::fs::read_dir(dir.join("src")) else { return Ok(changed) };
    for path in entries.filter_map(Result::ok).map(|entry| entry.path()) {
        if !expected.contains(&path) {
            if mode == WriteMode::Write {
                std::fs::remove_file(&path)?;
            }
            changed.push(path);
        }
    }
    Ok(changed)
}
