//! Keeping a feed across runs: the feed file on disk is the store. A run reads it back,
//! merges the new entries in by id, and replaces it atomically, and only when something
//! changed, so a run with nothing new leaves every file byte-identical.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::{rss, Entry, Feed};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: existing feed file does not parse ({reason}); it was left untouched: fix or delete it to let feedgen write it again")]
    Corrupt { path: PathBuf, reason: String },
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: cannot write: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// What saving a feed did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Written,
    Unchanged,
}

/// The feed already at `path`: `None` when there is none yet.
pub fn load(path: &Path) -> Result<Option<Feed>, StoreError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(StoreError::Read {
                path: path.to_path_buf(),
                source,
            })
        }
    };
    rss::parse(&bytes)
        .map(Some)
        .map_err(|reason| StoreError::Corrupt {
            path: path.to_path_buf(),
            reason,
        })
}

/// Merges freshly extracted entries into the stored ones: a fresh entry replaces the stored
/// one with the same id (keeping its first-seen date when the page gives none), stored
/// entries not seen this time stay, newest first, at most `max_items`.
pub fn merge(stored: &[Entry], fresh: Vec<Entry>, max_items: usize) -> Vec<Entry> {
    let mut merged: Vec<Entry> = Vec::with_capacity(stored.len() + fresh.len());
    for mut entry in fresh {
        if merged.iter().any(|e| e.id == entry.id) {
            continue;
        }
        if let Some(old) = stored.iter().find(|e| e.id == entry.id) {
            if entry.date_is_first_seen {
                entry.published = old.published;
                entry.date_is_first_seen = old.date_is_first_seen;
            }
        }
        merged.push(entry);
    }
    for old in stored {
        if !merged.iter().any(|e| e.id == old.id) {
            merged.push(old.clone());
        }
    }
    merged.sort_by(|a, b| b.published.cmp(&a.published).then_with(|| a.id.cmp(&b.id)));
    merged.truncate(max_items);
    merged
}

/// Writes `feed` to `path` unless the result would equal what is there. `lastBuildDate`
/// moves to `now` only when the content changed, so an idle run rewrites nothing.
pub fn save(
    path: &Path,
    mut feed: Feed,
    previous: Option<&Feed>,
    now: DateTime<Utc>,
) -> Result<Saved, StoreError> {
    feed.last_build = previous.and_then(|p| p.last_build);
    if previous.is_some() {
        let same = rss::render(&feed);
        if std::fs::read(path).is_ok_and(|old| old == same.as_bytes()) {
            return Ok(Saved::Unchanged);
        }
    }
    feed.last_build = Some(now);
    write_atomic(path, rss::render(&feed).as_bytes())?;
    Ok(Saved::Written)
}

/// Replaces `path` with `bytes` so that readers see the old file or the new one, never a
/// half-written one: write a temporary file in the same folder, sync it, rename it over.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let error = |source| StoreError::Write {
        path: path.to_path_buf(),
        source,
    };
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder).map_err(error)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".feedgen-")
        .suffix(".tmp")
        .tempfile_in(folder)
        .map_err(error)?;
    tmp.write_all(bytes).map_err(error)?;
    tmp.as_file().sync_all().map_err(error)?;
    set_readable(tmp.as_file());
    tmp.persist(path).map_err(|e| error(e.error))?;
    Ok(())
}

/// Temporary files are created private; a feed is meant to be served, so make it
/// world-readable like any file the user would have created.
#[cfg(unix)]
fn set_readable(file: &std::fs::File) {
    use std::os::unix::fs::PermissionsExt;
    let _ = file.set_permissions(std::fs::Permissions::from_mode(0o644));
}

#[cfg(not(unix))]
fn set_readable(_file: &std::fs::File) {}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{FixedOffset, TimeZone};

    fn entry(id: &str, day: u32, first_seen: bool) -> Entry {
        Entry {
            id: id.into(),
            link: id.into(),
            title: id.into(),
            authors: vec![],
            published: FixedOffset::east_opt(0)
                .unwrap()
                .with_ymd_and_hms(2024, 7, day, 0, 0, 0)
                .unwrap(),
            date_is_first_seen: first_seen,
            summary: String::new(),
            content_html: String::new(),
            image: None,
            categories: vec![],
        }
    }

    #[test]
    fn merge_dedupes_keeps_first_seen_dates_orders_and_caps() {
        let stored = vec![entry("a", 1, false), entry("b", 2, false)];
        let fresh = vec![
            entry("b", 20, true),
            entry("c", 3, false),
            entry("c", 3, false),
        ];
        let merged = merge(&stored, fresh, 10);
        let ids: Vec<&str> = merged.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["c", "b", "a"]);
        assert_eq!(merged[1].published.format("%d").to_string(), "02");
        assert_eq!(merge(&stored, vec![entry("c", 3, false)], 2).len(), 2);
    }

    #[test]
    fn save_is_atomic_and_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/f.xml");
        let mut feed = Feed::new("T", "https://e.org/", "D");
        feed.entries = vec![entry("https://e.org/a", 1, false)];
        let t1 = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(save(&path, feed.clone(), None, t1).unwrap(), Saved::Written);
        let first = std::fs::read(&path).unwrap();
        let previous = load(&path).unwrap().unwrap();
        let t2 = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(
            save(&path, feed.clone(), Some(&previous), t2).unwrap(),
            Saved::Unchanged
        );
        assert_eq!(std::fs::read(&path).unwrap(), first);
        feed.entries.push(entry("https://e.org/b", 2, false));
        assert_eq!(
            save(&path, feed, Some(&previous), t2).unwrap(),
            Saved::Written
        );
        assert_eq!(load(&path).unwrap().unwrap().last_build, Some(t2));
        let leftovers = std::fs::read_dir(path.parent().unwrap()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary files left behind");
    }

    #[test]
    fn a_corrupt_feed_is_reported_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.xml");
        std::fs::write(&path, "<rss><channel><title>half").unwrap();
        let err = load(&path).unwrap_err();
        assert!(err.to_string().contains("left untouched"), "{err}");
    }
}
