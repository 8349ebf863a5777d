//! A cron run: every feed of the config, its pages fetched concurrently, each feed merged
//! into its file on disk. One failing page or feed never stops the others.

mod feed;
pub mod inspect;
mod lock;
pub mod one_shot;
mod report;

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use url::Url;

use crate::config::{Config, FeedConfig};
use crate::feed::{stylesheet, Format};
use crate::source::collect::Session;
pub use crate::source::collect::{RunOptions, SourceError};
use crate::store;
use crate::store::state::State;
pub use crate::store::Saved;
pub use feed::{assemble, unreachable_link};
pub use lock::{lock_output, RunError, LOCK_FILE};
pub use report::{FeedChannel, FeedError, FeedReport, RunReport, Severity, Summary};

/// Runs every feed of `config`, calling `on_notice` with each problem as it happens.
pub async fn run(
    config: &Config,
    options: RunOptions,
    on_notice: impl Fn(Severity, &str) + Send + Sync + 'static,
) -> Result<RunReport, RunError> {
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
            let report = feed::update_feed(&session, &feed, &files, &leftovers).await;
            for e in &report.errors {
                on_notice(Severity::Error, &e.to_string());
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
    let mut feeds = Vec::with_capacity(total);
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
        feeds.push(report);
    }
    let mut side_files = Vec::new();
    if config.stylesheet {
        side_files.push(write_if_changed(
            &config.output_dir.join(stylesheet::FILE_NAME),
            stylesheet::XSL.as_bytes(),
        ));
    }
    // The channel facts each feed's files now hold, from the run itself: reading every
    // feed's files back for them would parse each feed once more.
    let written: std::collections::HashMap<&str, Option<FeedChannel>> = feeds
        .iter()
        .map(|r: &FeedReport| (r.name.as_str(), r.channel.clone()))
        .collect();
    let list = opml_of(config, |feed, files| {
        match written.get(feed.name.as_str()) {
            Some(channel) => channel.clone(),
            None => channel_on_disk(files),
        }
    });
    side_files.push(write_if_changed(
        &config.output_dir.join(OPML_FILE),
        list.as_bytes(),
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
    Ok(RunReport { summary, feeds })
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
    opml_of(config, |_, files| channel_on_disk(files))
}

/// The channel facts a feed's files hold now, if they can be read.
fn channel_on_disk(files: &[store::Target]) -> Option<FeedChannel> {
    store::load(files)
        .ok()
        .flatten()
        .map(|b| FeedChannel::of(&b))
}

/// The OPML list, with each feed's channel facts from `channel_of` (its files, or what a
/// run just wrote into them), asked only when the config does not give them.
fn opml_of(
    config: &Config,
    mut channel_of: impl FnMut(&FeedConfig, &[store::Target]) -> Option<FeedChannel>,
) -> String {
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
            let given = &feed.channel;
            let built = if given.title.is_some() && given.site_url.is_some() {
                None
            } else {
                channel_of(feed, &files)
            };
            let primary = &files[0];
            let xml_url = primary.self_url.as_ref().map_or_else(
                || {
                    Url::from_file_path(&primary.path)
                        .map_or_else(|()| primary.path.display().to_string(), String::from)
                },
                |u| u.as_str().to_string(),
            );
            crate::feed::opml::Outline {
                title: given
                    .title
                    .clone()
                    .or_else(|| built.as_ref().map(|b| b.title.clone()))
                    .unwrap_or_else(|| feed.name.clone()),
                html_url: given.site_url.as_ref().map(Url::to_string).or_else(|| {
                    built
                        .as_ref()
                        .and_then(|b| b.link.as_ref())
                        .map(|l| l.as_str().to_string())
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
