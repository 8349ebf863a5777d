//! One feed through the pipeline: its stored entries read back, its sources collected, the
//! new articles merged in, its files written. Every command that makes a feed (a cron run,
//! the one-shot command, later a server's schedule) goes through here.

use chrono::{DateTime, Utc};
use url::Url;

use super::report::{FeedChannel, FeedReport};
use crate::config::{Channel, FeedConfig};
use crate::feed::{Entry, Feed};
use crate::source::collect::{collect, Found, Outcome, Session, SourceError};
use crate::store::{self, Saved, Target};

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
        .clone()
        .or_else(|| first.map(|a| origin_of(a.link())))
        .or_else(|| stored.and_then(|s| s.link.clone()));
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

fn origin_of(url: &Url) -> Url {
    let mut origin = url.clone();
    origin.set_path("/");
    origin.set_query(None);
    origin.set_fragment(None);
    origin
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

/// A feed's stored entries and what its sources gave this time.
pub(crate) struct Gathered {
    pub stored: Option<Feed>,
    pub found: Vec<Found>,
    /// Sources and articles with nothing new (not fetched, or answered 304).
    pub unchanged: usize,
    pub failed: Vec<SourceError>,
}

impl Gathered {
    /// Whether an entry id or link is in the stored feed already.
    pub fn in_feed(&self, key: &str) -> bool {
        self.stored.as_ref().is_some_and(|s| s.contains(key))
    }

    /// A link of the new articles that no reader can open, if any.
    pub fn file_link(&self) -> Option<&Url> {
        self.found
            .iter()
            .map(|f| f.article.link())
            .find(|l| l.scheme() == "file")
    }

    /// The feed as it is now: what was stored, with the new articles merged in.
    pub fn assemble(&self, channel: &Channel, now: DateTime<Utc>) -> Feed {
        assemble(channel, &self.found, self.stored.as_ref(), now)
    }
}

/// Reads the feed's stored entries back (every format's file, and `leftovers` of formats
/// the config dropped) and collects what its sources have that the feed does not. A stored
/// feed that cannot be read stops here: there is no point fetching anything for it.
pub(crate) async fn gather(
    session: &Session,
    feed: &FeedConfig,
    files: &[Target],
    leftovers: &[Target],
) -> Result<Gathered, store::StoreError> {
    let (files_owned, leftovers) = (files.to_vec(), leftovers.to_vec());
    let stored = off_the_runtime(session, move || {
        store::load_with_leftovers(&files_owned, &leftovers)
    })
    .await?;
    let mut gathered = Gathered {
        stored,
        found: Vec::new(),
        unchanged: 0,
        failed: Vec::new(),
    };
    let outcomes = {
        let in_feed = |key: &str| gathered.in_feed(key);
        collect(session, &feed.plan, &in_feed).await
    };
    for outcome in outcomes {
        match outcome {
            Outcome::Found(f) => gathered.found.push(*f),
            Outcome::Unchanged => gathered.unchanged += 1,
            Outcome::Failed(e) => gathered.failed.push(e),
        }
    }
    Ok(gathered)
}

/// Writes `feed` into `files` off the async threads.
pub(crate) async fn save(
    session: &Session,
    files: &[Target],
    feed: Feed,
    previous: Option<Feed>,
    now: DateTime<Utc>,
) -> Result<Saved, store::StoreError> {
    let files = files.to_vec();
    off_the_runtime(session, move || {
        store::save(&files, feed, previous.as_ref(), now)
    })
    .await
}

/// A cron run's update of one feed: gathered, merged, written when anything changed.
pub(crate) async fn update_feed(
    session: &Session,
    feed: &FeedConfig,
    files: &[Target],
    leftovers: &[Target],
) -> FeedReport {
    let mut report = FeedReport::new(feed);
    let mut gathered = match gather(session, feed, files, leftovers).await {
        Ok(gathered) => gathered,
        Err(e) => {
            report.store_failed(e);
            return report;
        }
    };
    for e in std::mem::take(&mut gathered.failed) {
        report.source_failed(e);
    }
    report.channel = gathered.stored.as_ref().map(FeedChannel::of);
    if gathered.found.is_empty() {
        if gathered.unchanged > 0 && gathered.stored.is_some() {
            report.saved = Some(Saved::Unchanged);
        }
        return report;
    }
    if let Some(link) = gathered.file_link() {
        report
            .warnings
            .push(format!("{}: {}", feed.name, unreachable_link(link)));
    }
    let now = crate::clock::now();
    report.new_entries = gathered
        .found
        .iter()
        .filter(|f| !gathered.in_feed(&f.entry(now).id))
        .count();
    let assembled = gathered.assemble(&feed.channel, now);
    let written = FeedChannel::of(&assembled);
    // The articles are in the assembled feed now; a feed's worth of them held through the
    // write would count in the run's peak memory.
    let Gathered { stored, found, .. } = gathered;
    drop(found);
    match save(session, files, assembled, stored, now).await {
        Ok(saved) => {
            report.saved = Some(saved);
            report.channel = Some(written);
        }
        Err(e) => report.store_failed(e),
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
    fn most_common_prefers_the_first_on_ties() {
        let v = ["id", "en", "en", "id"].map(String::from);
        assert_eq!(most_common(v.into_iter()).as_deref(), Some("id"));
    }
}
