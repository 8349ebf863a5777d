//! A cron run: every feed of the config, its pages fetched concurrently, each feed merged
//! into its file on disk. One failing page or feed never stops the others.

use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Utc};
use futures_util::future::join_all;
use tokio::sync::Semaphore;
use url::Url;

use crate::config::{Config, FeedConfig};
use crate::extract::{self, Article, ExtractError};
use crate::feed::store::{self, Saved, StoreError, Target};
use crate::feed::{stylesheet, Entry, Feed};
use crate::fetch::{FetchError, Fetcher};

/// Why one source produced no entry.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error(transparent)]
    Extract(#[from] ExtractError),
    #[error("{url}: extraction crashed: {detail}")]
    Crashed { url: Url, detail: String },
}

/// Fetches `url` and extracts its article. A `file:` page stands for `site_url` + its file
/// name, so its links and relative URLs come out as they would on the public site.
pub async fn fetch_article(
    fetcher: &Fetcher,
    url: &Url,
    site_url: Option<&Url>,
) -> Result<Article, SourceError> {
    let page = fetcher.fetch(url).await?;
    let public_url = public_url_of(&page.url, site_url);
    let fetched_at = crate::feed::now();
    let html = page.html;
    let for_error = public_url.clone();
    tokio::task::spawn_blocking(move || extract::extract(&html, &public_url, fetched_at))
        .await
        .map_err(|e| SourceError::Crashed {
            url: for_error,
            detail: e.to_string(),
        })?
        .map_err(SourceError::from)
}

fn public_url_of(url: &Url, site_url: Option<&Url>) -> Url {
    match site_url {
        Some(site) if url.scheme() == "file" => {
            let name = url
                .path_segments()
                .and_then(|mut s| s.next_back())
                .unwrap_or("");
            site.join(name).unwrap_or_else(|_| site.clone())
        }
        _ => url.clone(),
    }
}

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
    articles: &[Article],
    stored: Option<&Feed>,
    now: DateTime<Utc>,
) -> Feed {
    let first = articles.first();
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
        .or_else(|| most_common(articles.iter().filter_map(|a| a.language.clone())))
        .or_else(|| stored.and_then(|s| s.language.clone()));
    let fresh: Vec<Entry> = articles
        .iter()
        .map(|a| Entry::from_article(a, now))
        .collect();
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
}

/// Totals of a run, for the summary line and the exit code.
#[derive(Debug, Default)]
pub struct Summary {
    pub updated: usize,
    pub unchanged: usize,
    pub failed: usize,
    pub new_entries: usize,
    pub pages: usize,
    pub errors: usize,
    pub seconds: f64,
}

impl Summary {
    pub fn line(&self) -> String {
        format!(
            "{} updated, {} unchanged, {} failed; {} new entries; {} pages fetched; {} errors; {:.2}s",
            self.updated, self.unchanged, self.failed, self.new_entries, self.pages, self.errors, self.seconds
        )
    }
}

/// Runs every feed of `config`, calling `on_error` with each problem as it happens.
pub async fn run(
    config: &Config,
    on_error: impl Fn(&str) + Send + Sync + 'static,
) -> Result<Summary, FetchError> {
    let started = Instant::now();
    let fetcher = Arc::new(Fetcher::new(config.fetch.clone())?);
    let limit = Arc::new(Semaphore::new(config.concurrency));
    let on_error = Arc::new(on_error);
    let mut tasks = tokio::task::JoinSet::new();
    for feed in config.feeds.clone() {
        let fetcher = fetcher.clone();
        let limit = limit.clone();
        let on_error = on_error.clone();
        let channel = Channel::of(&feed, config);
        let files = store::files_for(
            &config.output_dir,
            &feed.name,
            &feed.formats,
            config.base_url.as_ref(),
        );
        tasks.spawn(async move {
            let report = update_feed(&fetcher, &limit, &feed, &channel, &files).await;
            for e in &report.errors {
                on_error(e);
            }
            report
        });
    }
    let mut summary = Summary::default();
    while let Some(done) = tasks.join_next().await {
        let Ok(report) = done else {
            summary.failed += 1;
            summary.errors += 1;
            on_error("a feed task crashed; its file was left as it was");
            continue;
        };
        match report.saved {
            Some(Saved::Written) => summary.updated += 1,
            Some(Saved::Unchanged) => summary.unchanged += 1,
            None => summary.failed += 1,
        }
        summary.new_entries += report.new_entries;
        summary.pages += report.pages;
        summary.errors += report.errors.len();
    }
    if config.stylesheet {
        write_if_changed(
            &config.output_dir.join(stylesheet::FILE_NAME),
            stylesheet::XSL.as_bytes(),
            &*on_error,
        );
    }
    write_if_changed(
        &config.output_dir.join(OPML_FILE),
        opml(config).as_bytes(),
        &*on_error,
    );
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
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
fn write_if_changed(path: &std::path::Path, bytes: &[u8], on_error: &(dyn Fn(&str) + Send + Sync)) {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return;
    }
    if let Err(e) = store::write_atomic(path, bytes) {
        on_error(&e.to_string());
    }
}

async fn update_feed(
    fetcher: &Fetcher,
    limit: &Semaphore,
    feed: &FeedConfig,
    channel: &Channel,
    files: &[Target],
) -> FeedReport {
    let mut report = FeedReport {
        name: feed.name.clone(),
        saved: None,
        new_entries: 0,
        pages: feed.pages.len(),
        errors: Vec::new(),
    };
    // Read the stored feed first: if it is corrupt there is no point fetching anything.
    let stored = match store::load(files) {
        Ok(s) => s,
        Err(e) => {
            report.errors.push(format!("{}: {e}", feed.name));
            return report;
        }
    };
    let fetches = feed.pages.iter().map(|url| async move {
        let _permit = limit.acquire().await;
        fetch_article(fetcher, url, channel.site_url.as_ref()).await
    });
    let mut articles = Vec::new();
    for result in join_all(fetches).await {
        match result {
            Ok(article) => articles.push(article),
            Err(e) => report.errors.push(format!("{}: {e}", feed.name)),
        }
    }
    if articles.is_empty() {
        return report;
    }
    let now = crate::feed::now();
    let known = |a: &Article| {
        stored
            .as_ref()
            .is_some_and(|s| s.entries.iter().any(|e| e.id == a.link().as_str()))
    };
    report.new_entries = articles.iter().filter(|a| !known(a)).count();
    let assembled = assemble(channel, &articles, stored.as_ref(), now);
    match store::save(files, assembled, stored.as_ref(), now) {
        Ok(saved) => report.saved = Some(saved),
        Err(
            e @ (StoreError::Write { .. } | StoreError::Read { .. } | StoreError::Corrupt { .. }),
        ) => report.errors.push(format!("{}: {e}", feed.name)),
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_pages_stand_for_the_site_url() {
        let file = Url::parse("file:///srv/example/seed-bare.html").unwrap();
        let site = Url::parse("https://kabar.example/id/").unwrap();
        assert_eq!(
            public_url_of(&file, Some(&site)).as_str(),
            "https://kabar.example/id/seed-bare.html"
        );
        assert_eq!(public_url_of(&file, None), file);
    }

    #[test]
    fn most_common_prefers_the_first_on_ties() {
        let v = ["id", "en", "en", "id"].map(String::from);
        assert_eq!(most_common(v.into_iter()).as_deref(), Some("id"));
    }
}
