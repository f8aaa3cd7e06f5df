//! Stage 5: writing files, touching only those whose content changed (so Cargo does not
//! rebuild what did not change), or checking that they are up to date.

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
