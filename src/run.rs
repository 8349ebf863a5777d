//! A cron run: every feed of the config, its pages fetched concurrently, each feed merged
//! into its file on disk. One failing page or feed never stops the others.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Utc};
use url::Url;

use crate::config::{Config, FeedConfig};
use crate::feed::store::{self, Saved, Target};
use crate::feed::{stylesheet, Entry, Feed, Format};
use crate::fetch::FetchError;
use crate::source::collect::{collect, Found, Outcome, Session};
pub use crate::source::collect::{RunOptions, SourceError};
use crate::state::State;

/// Channel facts of a feed, from the config or the one-shot command line.
#[derive(Debug, Clone, Default)]
pub struct Channel {
    pub title: Option<String>,
    pub description: Option<String>,
    pub language: Option<String>,
    pub site_url: Option<Url>,
    pub max_items: usize,
    pub ttl_minutes: Option<u32>,
    pub stylesheet: Option<String>,
}

impl Channel {
    pub fn of(feed: &FeedConfig, config: &Config) -> Channel {
        Channel {
            title: feed.title.clone(),
            description: feed.description.clone(),
            language: feed.language.clone(),
            site_url: feed.site_url.clone(),
            max_items: feed.max_items,
            ttl_minutes: config.interval_minutes,
            stylesheet: config.stylesheet.then(|| stylesheet::FILE_NAME.to_string()),
        }
    }
}

/// The feed after this run: stored entries plus the new articles, channel facts from the
/// config where given, else from the articles, else from what was stored.
pub fn assemble(
    channel: &Channel,
    found: &[Found],
    stored: Option<&Feed>,
    now: DateTime<Utc>,
) -> Feed {
    let first = found.first().map(|f| &f.article);
    let site_link = channel
        .site_url
        .as_ref()
        .map(Url::to_string)
        .or_else(|| first.map(|a| origin_of(a.link())))
        .or_else(|| stored.map(|s| s.link.clone()))
        .unwrap_or_default();
    let title = channel
        .title
        .clone()
        .or_else(|| first.and_then(|a| a.site_name.clone()))
        .or_else(|| stored.map(|s| s.title.clone()))
        .or_else(|| first.and_then(|a| a.link().host_str().map(str::to_string)))
        .unwrap_or_else(|| "feedgen".to_string());
    let description = channel
        .description
        .clone()
        .or_else(|| stored.map(|s| s.description.clone()))
        .unwrap_or_else(|| format!("Articles from {title}, as published by feedgen"));
    let language = channel
        .language
        .clone()
        .or_else(|| most_common(found.iter().filter_map(|f| f.article.language.clone())))
        .or_else(|| stored.and_then(|s| s.language.clone()));
    let fresh: Vec<Entry> = found.iter().map(|f| f.entry(now)).collect();
    let entries = store::merge(
        stored.map_or(&[][..], |s| &s.entries),
        fresh,
        channel.max_items,
        now,
    );
    Feed {
        title,
        link: site_link,
        description,
        language,
        self_url: None,
        last_build: None,
        ttl_minutes: channel.ttl_minutes,
        stylesheet: channel.stylesheet.clone(),
        entries,
    }
}

/// What to say about an entry that links to a local file: no reader can open it.
pub fn unreachable_link(link: &Url) -> String {
    format!(
        "{link} is a local file with no canonical web address; readers cannot open its file: link (set site_url on the feed, or pass --site-url)"
    )
}

fn origin_of(url: &Url) -> String {
    let mut origin = url.clone();
    origin.set_path("/");
    origin.set_query(None);
    origin.set_fragment(None);
    origin.to_string()
}

fn most_common(values: impl Iterator<Item = String>) -> Option<String> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for v in values {
        match counts.iter_mut().find(|(k, _)| *k == v) {
            Some((_, n)) => *n += 1,
            None => counts.push((v, 1)),
        }
    }
    // max_by_key keeps the last of equal counts; reverse so the first seen wins ties.
    counts
        .into_iter()
        .rev()
        .max_by_key(|(_, n)| *n)
        .map(|(v, _)| v)
}

/// How one feed of a run went.
#[derive(Debug)]
pub struct FeedReport {
    pub name: String,
    /// `None` when the feed could not be written at all.
    pub saved: Option<Saved>,
    pub new_entries: usize,
    pub pages: usize,
    /// One line per failed source or store problem.
    pub errors: Vec<String>,
    /// One line per thing the user should know that failed nothing.
    pub warnings: Vec<String>,
}

/// How much a line a run reports matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Something failed: counted in the summary, exit code 1.
    Error,
    /// Worth knowing, nothing lost (a state file that had to be rebuilt, a link readers
    /// cannot open).
    Warning,
}

/// Totals of a run, for the summary line, `--json`, and the exit code.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Summary {
    pub feeds_updated: usize,
    pub feeds_unchanged: usize,
    pub feeds_failed: usize,
    pub new_entries: usize,
    /// Pages that the config lists.
    pub pages: usize,
    /// Pages not fetched at all: already in their feed and not due for a refresh.
    pub pages_skipped: usize,
    /// HTTP requests sent (retries and robots.txt included).
    pub requests: usize,
    /// Of those, answered 304 Not Modified.
    pub not_modified: usize,
    pub extractions: usize,
    pub errors: usize,
    pub seconds: f64,
}

impl Summary {
    pub fn line(&self) -> String {
        format!(
            "{} updated, {} unchanged, {} failed; {} new entries; {} pages ({} skipped), {} requests ({} not modified), {} extracted; {} errors; {:.2}s",
            self.feeds_updated,
            self.feeds_unchanged,
            self.feeds_failed,
            self.new_entries,
            self.pages,
            self.pages_skipped,
            self.requests,
            self.not_modified,
            self.extractions,
            self.errors,
            self.seconds
        )
    }
}

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

/// Runs every feed of `config`, calling `on_notice` with each problem as it happens.
pub async fn run(
    config: &Config,
    options: RunOptions,
    on_notice: impl Fn(Severity, &str) + Send + Sync + 'static,
) -> Result<Summary, RunError> {
    let on_notice = Arc::new(on_notice);
    let on_error = {
        let on_notice = on_notice.clone();
        move |line: &str| on_notice(Severity::Error, line)
    };
    let started = Instant::now();
    let _lock = lock_output(&config.output_dir)?;
    // Side files (temporary leftovers, stylesheet, OPML, state) that fail are errors of the
    // run: exit 1 and `"errors"` in the summary, or cron would never say a word.
    let mut side_errors = 0;
    if let Err(e) = store::remove_stale_temp_files(&config.output_dir) {
        on_error(&e.to_string());
        side_errors += 1;
    }
    let (state, warning) = State::load(&config.output_dir);
    if let Some(w) = warning {
        on_notice(Severity::Warning, &w);
    }
    let session = Arc::new(Session::new(config.fetch.clone(), state, options)?);
    let on_error = Arc::new(on_error);
    let slots = Arc::new(tokio::sync::Semaphore::new(feeds_at_once(config)));
    let mut tasks = tokio::task::JoinSet::new();
    for feed in config.feeds.clone() {
        let session = session.clone();
        let on_notice = on_notice.clone();
        let slots = slots.clone();
        let channel = Channel::of(&feed, config);
        let files = store::files_for(
            &config.output_dir,
            &feed.name,
            &feed.formats,
            config.base_url.as_ref(),
        );
        // Files of formats an earlier config wrote are read back too, so that dropping a
        // format and adding it again loses nothing.
        let dropped: Vec<Format> = Format::ALL
            .into_iter()
            .filter(|f| !feed.formats.contains(f))
            .collect();
        let leftovers = store::files_for(&config.output_dir, &feed.name, &dropped, None);
        tasks.spawn(async move {
            // Never closed, so acquiring only waits; a feed without a slot still runs.
            let _slot = slots.acquire().await.ok();
            let report = update_feed(&session, &feed, &channel, &files, &leftovers).await;
            for e in &report.errors {
                on_notice(Severity::Error, e);
            }
            for w in &report.warnings {
                on_notice(Severity::Warning, w);
            }
            report
        });
    }
    let mut summary = Summary {
        errors: side_errors,
        ..Summary::default()
    };
    let total = config.feeds.len();
    let mut finished = 0;
    while let Some(done) = tasks.join_next().await {
        finished += 1;
        if options.progress {
            eprint!("\rfeedgen: {finished}/{total} feeds\x1b[K");
            if finished == total {
                eprint!("\r\x1b[K");
            }
        }
        let Ok(report) = done else {
            summary.feeds_failed += 1;
            summary.errors += 1;
            on_error("a feed task crashed; its files were left as they were");
            continue;
        };
        match report.saved {
            Some(Saved::Written) => summary.feeds_updated += 1,
            Some(Saved::Unchanged) => summary.feeds_unchanged += 1,
            None => summary.feeds_failed += 1,
        }
        summary.new_entries += report.new_entries;
        summary.pages += report.pages;
        summary.errors += report.errors.len();
    }
    let mut side_files = Vec::new();
    if config.stylesheet {
        side_files.push(write_if_changed(
            &config.output_dir.join(stylesheet::FILE_NAME),
            stylesheet::XSL.as_bytes(),
        ));
    }
    side_files.push(write_if_changed(
        &config.output_dir.join(OPML_FILE),
        opml(config).as_bytes(),
    ));
    side_files.push(session.take_final_state().save(&config.output_dir));
    for e in side_files.into_iter().filter_map(Result::err) {
        on_error(&e.to_string());
        summary.errors += 1;
    }
    summary.pages_skipped = session.skipped.load(Ordering::Relaxed);
    summary.extractions = session.extractions.load(Ordering::Relaxed);
    summary.requests = session.fetcher.counters.requests.load(Ordering::Relaxed);
    summary.not_modified = session
        .fetcher
        .counters
        .not_modified
        .load(Ordering::Relaxed);
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// Feeds worked on at once. A feed keeps every article it extracted until it is saved, so a
/// run that starts every feed at once holds the whole run in memory (279 MB at 10,000
/// pages). Enough feeds to keep `concurrency` requests in flight at
/// `per_host_concurrency` each (a feed is mostly one site) keeps the network busy while
/// memory grows with the feeds in flight and their pages, not with the number of feeds.
fn feeds_at_once(config: &Config) -> usize {
    let fetch = &config.fetch;
    (fetch.concurrency / fetch.per_host_concurrency.max(1))
        .clamp(2, tokio::sync::Semaphore::MAX_PERMITS)
}

/// Name of the subscription list written next to the feeds.
pub const OPML_FILE: &str = "feeds.opml";

/// The OPML list of every feed of the config, pointing at the first format of each, with
/// the title and site link the feed file itself carries (the config's when not yet built).
pub fn opml(config: &Config) -> String {
    let outlines: Vec<crate::feed::opml::Outline> = config
        .feeds
        .iter()
        .map(|feed| {
            let files = store::files_for(
                &config.output_dir,
                &feed.name,
                &feed.formats,
                config.base_url.as_ref(),
            );
            let built = store::load(&files).ok().flatten();
            let primary = &files[0];
            let xml_url = primary.self_url.clone().unwrap_or_else(|| {
                Url::from_file_path(&primary.path)
                    .map_or_else(|()| primary.path.display().to_string(), |u| u.to_string())
            });
            crate::feed::opml::Outline {
                title: feed
                    .title
                    .clone()
                    .or_else(|| built.as_ref().map(|b| b.title.clone()))
                    .unwrap_or_else(|| feed.name.clone()),
                html_url: feed.site_url.as_ref().map(Url::to_string).or_else(|| {
                    built
                        .as_ref()
                        .map(|b| b.link.clone())
                        .filter(|l| !l.is_empty())
                }),
                xml_url,
                kind: "rss",
            }
        })
        .collect();
    crate::feed::opml::render("feedgen feeds", &outlines)
}

/// Keeps the side files (stylesheet, OPML) byte-identical when nothing changed.
fn write_if_changed(path: &std::path::Path, bytes: &[u8]) -> Result<(), store::StoreError> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    store::write_atomic(path, bytes)
}

async fn update_feed(
    session: &Session,
    feed: &FeedConfig,
    channel: &Channel,
    files: &[Target],
    leftovers: &[Target],
) -> FeedReport {
    let mut report = FeedReport {
        name: feed.name.clone(),
        saved: None,
        new_entries: 0,
        pages: feed.pages.len(),
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    // Read the stored feed first: if it is corrupt there is no point fetching anything.
    let (files_owned, leftovers) = (files.to_vec(), leftovers.to_vec());
    let loaded = off_the_runtime(session, move || {
        store::load_with_leftovers(&files_owned, &leftovers)
    });
    let stored = match loaded.await {
        Ok(s) => s,
        Err(e) => {
            report.errors.push(format!("{}: {e}", feed.name));
            return report;
        }
    };
    let in_feed = |key: &str| stored.as_ref().is_some_and(|s| s.contains(key));
    let mut found = Vec::new();
    let mut unchanged = 0;
    for outcome in collect(session, feed, &in_feed).await {
        match outcome {
            Outcome::Found(f) => found.push(*f),
            Outcome::Unchanged => unchanged += 1,
            Outcome::Failed(e) => report.errors.push(format!("{}: {e}", feed.name)),
        }
    }
    if found.is_empty() {
        if unchanged > 0 && stored.is_some() {
            report.saved = Some(Saved::Unchanged);
        }
        return report;
    }
    if let Some(link) = found
        .iter()
        .map(|f| f.article.link())
        .find(|l| l.scheme() == "file")
    {
        report
            .warnings
            .push(format!("{}: {}", feed.name, unreachable_link(link)));
    }
    let now = crate::feed::now();
    report.new_entries = found.iter().filter(|f| !in_feed(&f.entry(now).id)).count();
    let assembled = assemble(channel, &found, stored.as_ref(), now);
    drop(found);
    let files = files.to_vec();
    match off_the_runtime(session, move || {
        store::save(&files, assembled, stored.as_ref(), now)
    })
    .await
    {
        Ok(saved) => report.saved = Some(saved),
        Err(e) => report.errors.push(format!("{}: {e}", feed.name)),
    }
    report
}

/// Runs file work (reading and parsing a stored feed, rendering and syncing its files) on
/// a core of the blocking pool: on the async threads, a feed being written would stall every
/// fetch of the run behind its `fsync`, and their timers with them.
async fn off_the_runtime<T: Send + 'static>(
    session: &Session,
    work: impl FnOnce() -> Result<T, store::StoreError> + Send + 'static,
) -> Result<T, store::StoreError> {
    session
        .on_a_core(work)
        .await
        .unwrap_or_else(|e| Err(store::StoreError::Crashed(e.to_string())))
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

    #[test]
    fn most_common_prefers_the_first_on_ties() {
        let v = ["id", "en", "en", "id"].map(String::from);
        assert_eq!(most_common(v.into_iter()).as_deref(), Some("id"));
    }
}
