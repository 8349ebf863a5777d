//! Keeping a feed across runs: the feed files on disk are the store. A run reads them back,
//! merges the new entries in by id, and replaces them atomically, and only when something
//! changed, so a run with nothing new leaves every file byte-identical.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

pub(crate) mod state;

use crate::feed::{Entry, Feed, Format, ParseError};

/// One file a feed is written to.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub format: Format,
    pub path: PathBuf,
    /// The public URL of this very file, for its self link.
    pub self_url: Option<url::Url>,
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
                self_url: base_url.and_then(|b| b.join(&file).ok()),
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
    #[error("{path}: existing feed file does not parse ({source}); it was left untouched: fix or delete it to let feedgen write it again")]
    Corrupt {
        path: PathBuf,
        #[source]
        source: ParseError,
    },
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
    #[error("{path}: cannot remove this temporary file a killed run left behind: {source}; remove it by hand")]
    RemoveTemp {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Reading or writing a feed panicked (a feedgen bug); its files were left as they were.
    #[error("reading or writing the feed's files crashed ({0}); they were left as they were; this is a feedgen bug, please report it")]
    Crashed(String),
}

/// What saving a feed did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Saved {
    Written,
    Unchanged,
}

/// How much of an entry a format keeps: JSON Feed and Atom have modification dates, RSS
/// does not; JSON Feed keeps every image, Atom only those of a known type.
fn fidelity(format: Format) -> u8 {
    match format {
        Format::Json => 3,
        Format::Atom => 2,
        Format::Rss => 1,
    }
}

/// The feed already on disk: `None` when none of its files exists yet. Every existing file
/// must parse (a corrupt one is never overwritten). The files are written one rename at a
/// time, so a crash, a full disk or a format dropped and added again leaves them out of
/// step: the stored entries are the union of every file's, by id, each in the version of
/// the file that keeps the most, so an entry that any file still holds is never lost. The
/// channel facts come from that best file too.
pub fn load(files: &Files) -> Result<Option<Feed>, StoreError> {
    load_with_leftovers(files, &[])
}

/// [`load`], plus the entries of `leftovers`: the files of formats the feed no longer
/// writes, which may still hold entries the others lack. They only add entries: an id the
/// written files have keeps their version, and their channel facts (an older build date
/// above all, which would make every save look like a change) count only when no written
/// file exists.
pub fn load_with_leftovers(files: &Files, leftovers: &Files) -> Result<Option<Feed>, StoreError> {
    let mut feeds = by_fidelity(files)?;
    feeds.extend(by_fidelity(leftovers)?);
    let mut feeds = feeds.into_iter();
    let Some(mut best) = feeds.next() else {
        return Ok(None);
    };
    let mut ids: std::collections::HashSet<String> =
        best.entries.iter().map(|e| e.id.clone()).collect();
    for other in feeds {
        for entry in other.entries {
            if ids.insert(entry.id.clone()) {
                best.entries.push(entry);
            }
        }
    }
    drop_stand_in_authors(&mut best);
    Ok(Some(best))
}

/// The existing files among `files`, parsed, the one that keeps the most first.
fn by_fidelity(files: &Files) -> Result<Vec<Feed>, StoreError> {
    let mut read = Vec::new();
    for target in files {
        if let Some(feed) = read_one(target)? {
            read.push((fidelity(target.format), feed));
        }
    }
    // Stable: of two files of one format (never in a run), the first listed wins.
    read.sort_by_key(|(f, _)| std::cmp::Reverse(*f));
    Ok(read.into_iter().map(|(_, feed)| feed).collect())
}

/// One existing file, parsed; `None` when it does not exist.
fn read_one(target: &Target) -> Result<Option<Feed>, StoreError> {
    let bytes = match std::fs::read(&target.path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(StoreError::Read {
                path: target.path.clone(),
                source,
            })
        }
    };
    let parsed = match location(target) {
        Some(at) => target.format.parse_at(&bytes, &at),
        None => target.format.parse(&bytes),
    };
    parsed.map(Some).map_err(|source| StoreError::Corrupt {
        path: target.path.clone(),
        source,
    })
}

/// Where a feed file lives, as the base of last resort for its links: its public URL,
/// else its `file:` URL.
fn location(target: &Target) -> Option<url::Url> {
    target.self_url.clone().or_else(|| {
        std::path::absolute(&target.path)
            .ok()
            .and_then(|p| url::Url::from_file_path(p).ok())
    })
}

/// An entry whose page names no author is written crediting the feed's title (see
/// [`super::credited_authors`]); read back, that stand-in would look like an author the page
/// lost, and the unchanged entry like a changed one that moves `updated` and the build date.
fn drop_stand_in_authors(feed: &mut Feed) {
    let Feed { title, entries, .. } = feed;
    for entry in entries.iter_mut() {
        if entry.authors.len() == 1 && entry.authors[0] == *title {
            entry.authors.clear();
        }
    }
}

/// Merges freshly extracted entries into the stored ones: a fresh entry replaces the stored
/// one with the same id, or the same link identity (keeping its first-seen date when the page gives none, and its
/// `updated` unless the content changed, in which case `updated` moves to `now` at least),
/// stored entries not seen this time stay, newest first, at most `max_items`.
pub fn merge(
    stored: &[Entry],
    fresh: Vec<Entry>,
    max_items: usize,
    now: DateTime<Utc>,
) -> Vec<Entry> {
    // Stored entries by the identity of their id: an id stored with tracking parameters
    // and the clean id a page gives now are one entry, never two.
    let by_key: std::collections::HashMap<std::borrow::Cow<str>, usize> = stored
        .iter()
        .enumerate()
        .rev()
        .map(|(i, e)| (crate::link::id_key(&e.id), i))
        .collect();
    let mut replaced = vec![false; stored.len()];
    let mut merged: Vec<Entry> = Vec::with_capacity(stored.len() + fresh.len());
    for mut entry in fresh {
        if merged.iter().any(|e| e.id == entry.id) {
            continue;
        }
        // The same id first; the identity only for a clean id, which is what pages give:
        // two publisher GUIDs that differ in a parameter that looks like tracking are still
        // two entries.
        let key = crate::link::id_key(&entry.id);
        let old = stored.iter().position(|e| e.id == entry.id).or_else(|| {
            (key == entry.id)
                .then(|| by_key.get(&key).copied())
                .flatten()
        });
        if let Some(i) = old {
            replaced[i] = true;
            let old = &stored[i];
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
    for (old, replaced) in stored.iter().zip(replaced) {
        if !replaced && !merged.iter().any(|e| e.id == old.id) {
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
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .rand_bytes(TEMP_RANDOM_CHARS)
        .tempfile_in(folder)
        .map_err(error)?;
    tmp.write_all(bytes).map_err(error)?;
    tmp.as_file().sync_all().map_err(error)?;
    set_readable(tmp.as_file());
    tmp.persist(path).map_err(|e| error(e.error))?;
    Ok(())
}

/// Temporary files are `.feedgen-XXXXXX.tmp`, six random letters or digits: a name no feed,
/// state or side file has, so a leftover can be recognised as ours and nothing else can.
const TEMP_PREFIX: &str = ".feedgen-";
const TEMP_SUFFIX: &str = ".tmp";
const TEMP_RANDOM_CHARS: usize = 6;

/// Whether `name` is one of [`write_atomic`]'s temporary files.
fn is_temp_name(name: &std::ffi::OsStr) -> bool {
    let Some(name) = name.to_str() else {
        return false;
    };
    name.strip_prefix(TEMP_PREFIX)
        .and_then(|rest| rest.strip_suffix(TEMP_SUFFIX))
        .is_some_and(|random| {
            random.len() == TEMP_RANDOM_CHARS && random.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// Removes the temporary files a killed run left in `folder`. Only call it holding the
/// folder's lock: then no other run is writing one. Only regular files with our temporary
/// name go; a symlink or a folder of that name is left alone, and nothing is followed (the
/// folder's entries are typed without following links, and removing a name never touches
/// what a link points to). Returns how many went, or the first file that would not.
pub fn remove_stale_temp_files(folder: &Path) -> Result<usize, StoreError> {
    let unreadable = |source| StoreError::Read {
        path: folder.to_path_buf(),
        source,
    };
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(unreadable(e)),
    };
    let mut removed = 0;
    for entry in entries {
        let entry = entry.map_err(unreadable)?;
        if !is_temp_name(&entry.file_name()) || !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        match std::fs::remove_file(&path) {
            Ok(()) => removed += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(StoreError::RemoveTemp { path, source }),
        }
    }
    Ok(removed)
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
    use url::Url;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    fn entry(id: &str, day: u32, first_seen: bool) -> Entry {
        Entry {
            id: id.into(),
            // Ids like "a" stand for pages of one site.
            link: url("https://e.org/").join(id).unwrap(),
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
    fn an_id_stored_with_tracking_parameters_is_the_clean_id_of_the_same_page() {
        let stored = vec![entry("https://e.org/a?utm_source=x&id=1", 1, true)];
        let mut fresh = entry("https://e.org/a?id=1", 9, true);
        fresh.link = stored[0].link.clone();
        let now = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
        let merged = merge(&stored, vec![fresh], 10, now);
        assert_eq!(merged.len(), 1, "one page, one entry: {merged:?}");
        assert_eq!(merged[0].id, "https://e.org/a?id=1");
        assert_eq!(merged[0].published, stored[0].published, "first seen kept");
        let guids = vec![entry("https://e.org/item?ref=5", 1, false)];
        let other = merge(
            &guids,
            vec![entry("https://e.org/item?ref=6", 2, false)],
            10,
            now,
        );
        assert_eq!(other.len(), 2, "a different id is a different entry");
    }

    #[test]
    fn save_is_atomic_and_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let files = files_for(&dir.path().join("sub"), "f", &Format::ALL, None);
        let path = files[0].path.clone();
        let mut feed = Feed::new("T", Some(url("https://e.org/")), "D");
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

    #[test]
    fn a_stored_entry_whose_link_is_no_url_is_kept_and_the_cause_kept_too() {
        use std::error::Error as _;
        let dir = tempfile::tempdir().unwrap();
        let files = files_for(dir.path(), "f", &[Format::Rss], None);
        // Written by hand or by another tool: no site link, a relative item link.
        std::fs::write(
            &files[0].path,
            "<rss version=\"2.0\"><channel><title>T</title><link></link><description>d</description>\
             <item><link>a.html</link><guid>g</guid><pubDate>Wed, 17 Jul 2024 10:15:00 +0000</pubDate></item>\
             </channel></rss>",
        )
        .unwrap();
        let loaded = load(&files).unwrap().unwrap();
        let want = Url::from_file_path(dir.path().join("a.html")).unwrap();
        assert_eq!(loaded.entries[0].link, want, "resolved against the file");
        std::fs::write(&files[0].path, "<rss><channel><item>").unwrap();
        let err = load(&files).unwrap_err();
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
        assert!(
            err.source().is_some_and(|s| s.source().is_some()),
            "{err:?}"
        );
    }

    #[test]
    fn load_keeps_every_entry_of_files_out_of_step() {
        let dir = tempfile::tempdir().unwrap();
        let files = files_for(dir.path(), "f", &Format::ALL, None);
        let t = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
        let mut feed = Feed::new("T", Some(url("https://e.org/")), "D");
        feed.entries = vec![entry("a", 1, false)];
        save(&files, feed.clone(), None, t).unwrap();
        // RSS alone moves on: a second entry, and a corrected title of the first.
        let mut rss_only = feed;
        rss_only.title = "RSS title".into();
        let mut corrected = entry("a", 1, false);
        corrected.title = "corrected in RSS".into();
        rss_only.entries = vec![entry("b", 2, false), corrected];
        save(&files[..1], rss_only, None, t).unwrap();
        let loaded = load(&files).unwrap().unwrap();
        let ids: Vec<&str> = loaded.entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"], "the union, best file's entries first");
        assert_eq!(
            loaded.entries[0].title, "a",
            "JSON's version of a shared id"
        );
        assert_eq!(loaded.title, "T", "channel facts of the best file");
        assert_eq!(load(&files[..0]).unwrap(), None);
    }

    #[test]
    fn the_feed_title_credited_for_no_author_reads_back_as_no_author() {
        let dir = tempfile::tempdir().unwrap();
        for format in Format::ALL {
            let files = files_for(dir.path(), "f", &[format], None);
            let mut feed = Feed::new("Site", Some(url("https://e.org/")), "D");
            let mut by_site = entry("https://e.org/b", 2, false);
            by_site.authors = vec!["Site".into(), "Ann".into()];
            feed.entries = vec![entry("https://e.org/a", 1, false), by_site.clone()];
            save(&files, feed, None, Utc::now()).unwrap();
            let loaded = load(&files).unwrap().unwrap();
            assert!(loaded.entries[0].authors.is_empty(), "{format:?}");
            // RSS keeps a byline as one string; the names read the same.
            assert_eq!(
                loaded.entries[1]
                    .authors
                    .join(crate::feed::BYLINE_SEPARATOR),
                "Site, Ann",
                "{format:?}"
            );
        }
    }

    #[test]
    fn only_our_temporary_names_match() {
        let ok = |n: &str| is_temp_name(std::ffi::OsStr::new(n));
        assert!(ok(".feedgen-a1B2c3.tmp"));
        for name in [
            ".feedgen-state.json",
            ".feedgen-.tmp",
            ".feedgen-abcdefg.tmp",
            ".feedgen-abc-ef.tmp",
            "feedgen-abcdef.tmp",
            ".feedgen-abcdef.tmp.bak",
            ".feedgen.lock",
        ] {
            assert!(!ok(name), "{name}");
        }
        // What write_atomic creates does match.
        let dir = tempfile::tempdir().unwrap();
        let tmp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .suffix(TEMP_SUFFIX)
            .rand_bytes(TEMP_RANDOM_CHARS)
            .tempfile_in(dir.path())
            .unwrap();
        assert!(is_temp_name(tmp.path().file_name().unwrap()));
    }

    #[test]
    fn stale_temporary_files_go_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join(".feedgen-aaaaaa.tmp"), "x").unwrap();
        std::fs::write(d.join(".feedgen-bbbbbb.tmp"), "x").unwrap();
        std::fs::write(d.join("f.xml"), "keep").unwrap();
        std::fs::create_dir(d.join(".feedgen-cccccc.tmp")).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(d.join("f.xml"), d.join(".feedgen-dddddd.tmp")).unwrap();
        assert_eq!(remove_stale_temp_files(d).unwrap(), 2);
        assert_eq!(std::fs::read_to_string(d.join("f.xml")).unwrap(), "keep");
        assert!(d.join(".feedgen-cccccc.tmp").is_dir());
        #[cfg(unix)]
        assert!(d.join(".feedgen-dddddd.tmp").symlink_metadata().is_ok());
        assert_eq!(remove_stale_temp_files(&d.join("missing")).unwrap(), 0);
    }

    #[test]
    fn leftovers_add_entries_but_not_their_channel_or_versions() {
        let dir = tempfile::tempdir().unwrap();
        let rss = files_for(dir.path(), "f", &[Format::Rss], None);
        let json = files_for(dir.path(), "f", &[Format::Json], None);
        let mut old = Feed::new("Old title", Some(url("https://e.org/")), "D");
        old.entries = vec![entry("a", 1, false), entry("gone", 2, false)];
        let t1 = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
        save(&json, old, None, t1).unwrap();
        let mut new = Feed::new("New title", Some(url("https://e.org/")), "D");
        let mut a = entry("a", 1, false);
        a.title = "a, as RSS has it now".into();
        new.entries = vec![a];
        let t2 = Utc.with_ymd_and_hms(2024, 2, 1, 0, 0, 0).unwrap();
        save(&rss, new, None, t2).unwrap();
        let loaded = load_with_leftovers(&rss, &json).unwrap().unwrap();
        assert_eq!(
            (loaded.title.as_str(), loaded.last_build),
            ("New title", Some(t2))
        );
        let titles: Vec<&str> = loaded.entries.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(titles, ["a, as RSS has it now", "gone"]);
        std::fs::remove_file(&rss[0].path).unwrap();
        let only_leftover = load_with_leftovers(&rss, &json).unwrap().unwrap();
        assert_eq!(only_leftover.title, "Old title");
    }
}
