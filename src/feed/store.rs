//! Keeping a feed across runs: the feed files on disk are the store. A run reads them back,
//! merges the new entries in by id, and replaces them atomically, and only when something
//! changed, so a run with nothing new leaves every file byte-identical.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::{Entry, Feed, Format};

/// One file a feed is written to.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub format: Format,
    pub path: PathBuf,
    /// The public URL of this very file, for its self link.
    pub self_url: Option<String>,
}

/// The files one feed is written to, one per format.
pub type Files = [Target];

/// `dir/NAME.xml`, `dir/NAME.atom`, `dir/NAME.json` for the formats asked for, with self
/// links under `base_url` when the folder's public URL is known.
pub fn files_for(
    dir: &Path,
    name: &str,
    formats: &[Format],
    base_url: Option<&url::Url>,
) -> Vec<Target> {
    formats
        .iter()
        .map(|&format| {
            let file = format!("{name}.{}", format.extension());
            Target {
                format,
                path: dir.join(&file),
                self_url: base_url
                    .and_then(|b| b.join(&file).ok())
                    .map(|u| u.to_string()),
            }
        })
        .collect()
}

impl Target {
    fn render(&self, feed: &mut Feed) -> String {
        feed.self_url.clone_from(&self.self_url);
        self.format.render(feed)
    }
}

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

/// The feed already on disk: `None` when none of its files exists yet. Every existing file
/// must parse (a corrupt one is never overwritten); the model is read from the format that
/// keeps the most (JSON Feed and Atom have modification dates, RSS does not).
pub fn load(files: &Files) -> Result<Option<Feed>, StoreError> {
    let mut best: Option<(usize, Feed)> = None;
    for Target { format, path, .. } in files {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(source) => {
                return Err(StoreError::Read {
                    path: path.clone(),
                    source,
                })
            }
        };
        let feed = format.parse(&bytes).map_err(|reason| StoreError::Corrupt {
            path: path.clone(),
            reason,
        })?;
        let fidelity = match format {
            Format::Json => 3,
            Format::Atom => 2,
            Format::Rss => 1,
        };
        if best.as_ref().is_none_or(|(f, _)| fidelity > *f) {
            best = Some((fidelity, feed));
        }
    }
    Ok(best.map(|(_, feed)| feed))
}

/// Merges freshly extracted entries into the stored ones: a fresh entry replaces the stored
/// one with the same id (keeping its first-seen date when the page gives none, and its
/// `updated` unless the content changed, in which case `updated` moves to `now` at least),
/// stored entries not seen this time stay, newest first, at most `max_items`.
pub fn merge(
    stored: &[Entry],
    fresh: Vec<Entry>,
    max_items: usize,
    now: DateTime<Utc>,
) -> Vec<Entry> {
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
            if entry.same_content(old) {
                entry.updated = old.updated;
            } else if entry.updated <= old.updated {
                entry.updated = now.fixed_offset();
            }
            entry.updated = entry.updated.max(entry.published);
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

/// Writes `feed` in every format unless each file already holds exactly that. The build
/// date moves to `now` only when the content changed, so an idle run rewrites nothing.
pub fn save(
    files: &Files,
    mut feed: Feed,
    previous: Option<&Feed>,
    now: DateTime<Utc>,
) -> Result<Saved, StoreError> {
    if let Some(previous) = previous {
        feed.last_build = previous.last_build;
        let unchanged = files
            .iter()
            .all(|t| std::fs::read(&t.path).is_ok_and(|old| old == t.render(&mut feed).as_bytes()));
        if unchanged {
            return Ok(Saved::Unchanged);
        }
    }
    feed.last_build = Some(now);
    for target in files {
        write_atomic(&target.path, target.render(&mut feed).as_bytes())?;
    }
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
            updated: FixedOffset::east_opt(0)
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
        let mut changed_b = entry("b", 20, true);
        changed_b.content_html = "<p>corrected</p>".into();
        let fresh = vec![changed_b, entry("c", 3, false), entry("c", 3, false)];
        let now = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
        let merged = merge(&stored, fresh, 10, now);
        let ids: Vec<&str> = merged.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["c", "b", "a"]);
        assert_eq!(merged[1].published.format("%d").to_string(), "02");
        assert!(
            merged[1].updated > stored[1].updated,
            "changed content moves updated"
        );
        assert_eq!(merge(&stored, vec![entry("c", 3, false)], 2, now).len(), 2);
        let same = merge(&stored, vec![entry("a", 1, false)], 10, now);
        assert_eq!(
            same.iter().find(|e| e.id == "a").unwrap().updated,
            stored[0].updated,
            "same content keeps updated"
        );
    }

    #[test]
    fn save_is_atomic_and_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let files = files_for(&dir.path().join("sub"), "f", &Format::ALL, None);
        let path = files[0].path.clone();
        let mut feed = Feed::new("T", "https://e.org/", "D");
        feed.entries = vec![entry("https://e.org/a", 1, false)];
        let t1 = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(
            save(&files, feed.clone(), None, t1).unwrap(),
            Saved::Written
        );
        let first = std::fs::read(&path).unwrap();
        let previous = load(&files).unwrap().unwrap();
        let t2 = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(
            save(&files, feed.clone(), Some(&previous), t2).unwrap(),
            Saved::Unchanged
        );
        assert_eq!(std::fs::read(&path).unwrap(), first);
        feed.entries.push(entry("https://e.org/b", 2, false));
        assert_eq!(
            save(&files, feed, Some(&previous), t2).unwrap(),
            Saved::Written
        );
        assert_eq!(load(&files).unwrap().unwrap().last_build, Some(t2));
        let leftovers = std::fs::read_dir(path.parent().unwrap()).unwrap().count();
        assert_eq!(
            leftovers, 3,
            "one file per format, no temporary files left behind"
        );
    }

    #[test]
    fn a_corrupt_feed_is_reported_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let files = files_for(dir.path(), "f", &[Format::Rss, Format::Atom], None);
        std::fs::write(&files[1].path, "<feed><title>half").unwrap();
        let err = load(&files).unwrap_err();
        assert!(err.to_string().contains("left untouched"), "{err}");
    }
}
