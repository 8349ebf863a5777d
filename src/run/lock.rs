//! The output folder's lock: one writer per folder, whether a cron run, a one-shot
//! `--output` or (later) a server's schedule, so two of them never interleave their writes.

use std::path::{Path, PathBuf};

use crate::fetch::FetchError;

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("another feedgen run is working on {dir} (it holds {lock}); this one exits without touching anything")]
    Locked { dir: PathBuf, lock: PathBuf },
    #[error("cannot create or lock {path}: {source}")]
    Lock {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is a symbolic link; feedgen never follows a link for its lock file, so a planted one cannot make it create or open another file: remove the link and run again")]
    LockIsLink { path: PathBuf },
    #[error("{path} is not a regular file; feedgen keeps its lock in a plain file there: remove what is there and run again")]
    LockNotFile { path: PathBuf },
    #[error(transparent)]
    Fetch(#[from] FetchError),
}

/// Name of the lock file that keeps two runs off the same output folder.
pub const LOCK_FILE: &str = ".feedgen.lock";

/// Takes the output folder's lock for as long as the returned file lives. The OS drops it
/// when the process ends, however it ends, so a crashed run never blocks the next one.
/// The lock file is opened without following a symlink (which would let whoever can write
/// the folder make us create or lock a file elsewhere) and without blocking on a FIFO.
pub fn lock_output(dir: &Path) -> Result<std::fs::File, RunError> {
    let path = dir.join(LOCK_FILE);
    let lock_error = |source| RunError::Lock {
        path: path.clone(),
        source,
    };
    // The folder is made only when missing: a file in its place then fails the open with
    // "Not a directory", which says what is wrong, where making it says "File exists".
    let opened = match open_lock_file(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).map_err(lock_error)?;
            open_lock_file(&path)
        }
        opened => opened,
    };
    let file = match opened {
        Ok(file) => file,
        Err(e) => {
            return Err(match std::fs::symlink_metadata(&path) {
                Ok(m) if m.file_type().is_symlink() => RunError::LockIsLink { path },
                Ok(m) if !m.is_file() => RunError::LockNotFile { path },
                _ => lock_error(e),
            })
        }
    };
    if !file.metadata().map_err(lock_error)?.is_file() {
        return Err(RunError::LockNotFile { path });
    }
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(RunError::Locked {
            dir: dir.to_path_buf(),
            lock: path,
        }),
        Err(std::fs::TryLockError::Error(e)) => Err(lock_error(e)),
    }
}

#[cfg(unix)]
fn open_lock_file(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
}

/// Without `O_NOFOLLOW`, a check before the open (racy, but refuses a link left in place).
#[cfg(not(unix))]
fn open_lock_file(path: &Path) -> std::io::Result<std::fs::File> {
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(std::io::Error::other("symbolic link"));
    }
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_file_that_is_not_a_plain_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let lock = dir.path().join(LOCK_FILE);
        std::fs::create_dir(&lock).unwrap();
        assert!(matches!(
            lock_output(dir.path()),
            Err(RunError::LockNotFile { .. })
        ));
        std::fs::remove_dir(&lock).unwrap();
        #[cfg(unix)]
        {
            let target = dir.path().join("target");
            std::os::unix::fs::symlink(&target, &lock).unwrap();
            assert!(matches!(
                lock_output(dir.path()),
                Err(RunError::LockIsLink { .. })
            ));
            assert!(!target.exists());
            std::fs::remove_file(&lock).unwrap();
            // A FIFO would block a plain open for writing until someone reads it.
            let made = std::process::Command::new("mkfifo").arg(&lock).status();
            if made.is_ok_and(|s| s.success()) {
                assert!(matches!(
                    lock_output(dir.path()),
                    Err(RunError::LockNotFile { .. })
                ));
                std::fs::remove_file(&lock).unwrap();
            }
        }
        let blocker = dir.path().join("blocker");
        std::fs::write(&blocker, "a file").unwrap();
        assert!(matches!(
            lock_output(&blocker),
            Err(RunError::Lock { source, .. }) if source.kind() == std::io::ErrorKind::NotADirectory
        ));
        assert!(
            lock_output(&dir.path().join("new/sub")).is_ok(),
            "made when missing"
        );
        let held = lock_output(dir.path()).unwrap();
        assert!(matches!(
            lock_output(dir.path()),
            Err(RunError::Locked { .. })
        ));
        drop(held);
        assert!(lock_output(dir.path()).is_ok());
    }
}
