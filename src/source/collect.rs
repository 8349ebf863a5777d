//! Turning a feed's sources into articles: pages fetched once and then only when due,
//! listings whose new article links are followed, partial feeds whose items get their full
//! text, with `robots.txt`, conditional requests and the per-run caps applied throughout.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use futures_util::future::join_all;
use futures_util::FutureExt;
use tokio::sync::Semaphore;
use url::Url;

use super::{discover, partial, Candidate, CompiledSelectors, Plan, Source};
use crate::extract::budget::{self, Stopped};
use crate::extract::dom::Dom;
use crate::extract::{self, Article, ExtractError};
use crate::feed::Entry;
use crate::fetch::robots::Robots;
use crate::fetch::{FetchError, FetchSettings, Fetched, Fetcher, Page, Provenance, Validators};
use crate::store::state::{PageState, State};

/// Why one source produced no entry.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error(transparent)]
    Extract(#[from] ExtractError),
    #[error("{url}: processing this page crashed ({detail}); this is a feedgen bug, please report it with the page")]
    Crashed { url: Url, detail: String },
    /// The page's CPU work went over its budget or panicked (see [`budget::within`]).
    #[error("{url}: {reason}")]
    Stopped { url: Url, reason: Stopped },
    #[error("{url}: no article links found on this page; if it is an index page, give [feeds.select] selectors (item, link, title…)")]
    NoLinks { url: Url },
    #[error("{0}")]
    Select(#[from] discover::SelectError),
    #[error("{url}: the feed does not parse ({source}); the old output is kept")]
    BadFeed {
        url: Url,
        #[source]
        source: partial::NotAFeed,
    },
}

/// How a run treats pages it has seen before.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Fetch every page again, ignoring freshness and "already in the feed".
    pub force: bool,
    /// Show a one-line progress count on stderr (only meant for a terminal).
    pub progress: bool,
}

/// What every source of a run shares: one fetcher (connection pool, per-host and global
/// limits), the sites' `robots.txt`, the state, a cap on extractions at once, and counters.
pub struct Session {
    pub fetcher: Fetcher,
    pub robots: Robots,
    pub state: Mutex<State>,
    /// Extractions at once: one per core keeps every core busy without holding hundreds of
    /// parsed pages in memory.
    extracting: Semaphore,
    options: RunOptions,
    pub extractions: AtomicUsize,
    pub skipped: AtomicUsize,
}

impl Session {
    pub fn new(
        settings: FetchSettings,
        state: State,
        options: RunOptions,
    ) -> Result<Session, FetchError> {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        Ok(Session {
            fetcher: Fetcher::new(settings)?,
            robots: Robots::new(state.robots.clone(), crate::clock::now()),
            state: Mutex::new(state),
            extracting: Semaphore::new(cores),
            options,
            extractions: AtomicUsize::new(0),
            skipped: AtomicUsize::new(0),
        })
    }

    fn page_state(&self, url: &Url) -> Option<PageState> {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pages
            .get(url.as_str())
            .cloned()
    }

    fn remember(&self, url: &Url, record: PageState) {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pages
            .insert(url.to_string(), record);
    }

    /// Extracts a page once a core is free.
    async fn extract(&self, page: Page, site_url: Option<&Url>) -> Result<Article, SourceError> {
        let url = public_url_of(&page.url, site_url);
        let fetched_at = crate::clock::now();
        self.cpu(&url.clone(), move || {
            extract::extract(&page.html, &url, fetched_at).map_err(SourceError::from)
        })
        .await
    }

    /// Runs one page's CPU work (parsing, discovery, feed reading, extraction) on the
    /// blocking pool once a core is free, so the async threads keep every fetch and its
    /// timer going; within the page's time budget, with a panic turned into its error.
    async fn cpu<T: Send + 'static>(
        &self,
        url: &Url,
        work: impl FnOnce() -> Result<T, SourceError> + Send + 'static,
    ) -> Result<T, SourceError> {
        let within = move || budget::within(budget::PAGE_BUDGET, work);
        match self.on_a_core(within).await {
            Ok(Ok(done)) => done,
            Ok(Err(reason)) => Err(SourceError::Stopped {
                url: url.clone(),
                reason,
            }),
            Err(e) => Err(SourceError::Crashed {
                url: url.clone(),
                detail: e.to_string(),
            }),
        }
    }

    /// Runs blocking work on the blocking pool once one of the cores is free: page work,
    /// and reading or writing a feed's files, which would otherwise stall the async
    /// threads (and every fetch's timer) and, run for many feeds at once, hold all their
    /// rendered files in memory together. `Err` when the work panicked.
    pub async fn on_a_core<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, tokio::task::JoinError> {
        let _core = self.extracting.acquire().await;
        tokio::task::spawn_blocking(work).await
    }

    /// The state as it should be saved: pages plus the `robots.txt` files seen.
    /// Taken, not copied: at the end of a run of 100,000 pages the state is tens of
    /// megabytes, and every copy of it counts in the run's peak memory.
    pub fn take_final_state(&self) -> State {
        let mut state = std::mem::take(&mut *self.state.lock().unwrap_or_else(|e| e.into_inner()));
        state.robots = self.robots.snapshot();
        state
    }
}

/// An article and, when it came from a listing or a feed, what the source said about it.
#[derive(Debug, Clone)]
pub struct Found {
    pub article: Article,
    pub source: Option<Candidate>,
}

impl Found {
    /// The entry, with the source feed's id, title, date and authors where it has them:
    /// a publisher's own feed knows those better than a scraped page.
    pub fn entry(&self, seen_at: DateTime<Utc>) -> Entry {
        let mut entry = Entry::from_article(&self.article, seen_at);
        let Some(source) = &self.source else {
            return entry;
        };
        if let Some(id) = &source.id {
            entry.id.clone_from(id);
        }
        if let Some(title) = &source.title {
            entry.title = crate::feed::plain_text(title);
        }
        if let Some(published) = source.published {
            entry.published = published;
            entry.updated = entry.updated.max(published);
            entry.date_is_first_seen = false;
        }
        if !source.authors.is_empty() && self.article.authors.is_empty() {
            entry.authors = source
                .authors
                .iter()
                .map(|a| crate::feed::plain_text(a))
                .collect();
        }
        entry
    }
}

/// What became of one source or one article of a feed.
pub enum Outcome {
    Found(Box<Found>),
    /// Nothing new: not fetched (already in the feed, or still fresh), or answered 304.
    Unchanged,
    Failed(SourceError),
}

/// Collects the articles of every source URL of `feed`. `in_feed` says whether an entry id
/// or link is already in the stored feed.
pub async fn collect(
    session: &Session,
    feed: &Plan,
    in_feed: &(dyn Fn(&str) -> bool + Sync),
) -> Vec<Outcome> {
    let per_source = join_all(feed.urls.iter().map(|url| async move {
        AssertUnwindSafe(collect_source(session, feed, url, in_feed))
            .catch_unwind()
            .await
            .unwrap_or_else(|panic| vec![crashed(url, panic.as_ref())])
    }))
    .await;
    per_source.into_iter().flatten().collect()
}

async fn collect_source(
    session: &Session,
    feed: &Plan,
    url: &Url,
    in_feed: &(dyn Fn(&str) -> bool + Sync),
) -> Vec<Outcome> {
    let known = session
        .page_state(url)
        .filter(|p| p.entry_id.as_deref().is_some_and(in_feed));
    if matches!(feed.source, Source::Page) || known.is_some() {
        return vec![update_page(session, feed, url, &Provenance::User, None, in_feed).await];
    }
    // A listing or a feed, or not known yet: fetch it and see.
    let validators = session
        .page_state(url)
        .map(|p| p.validators)
        .unwrap_or_default();
    let page = match fetch(session, feed, url, &validators, &Provenance::User).await {
        Ok(Fetched::Page(page)) => *page,
        Ok(Fetched::NotModified { fresh_until }) => {
            touch(session, url, fresh_until);
            return vec![Outcome::Unchanged];
        }
        Err(e) => return vec![Outcome::Failed(e)],
    };
    let index_record = PageState {
        validators: page.validators.clone(),
        fetched_at: crate::clock::now(),
        fresh_until: page.fresh_until,
        entry_id: None,
    };
    // Every link below was written by whoever runs this page's site, not by the user.
    let found_on = Provenance::FoundOn(page.url.clone());
    let is_feed = match feed.source {
        Source::Feed => true,
        Source::Detect { .. } => partial::looks_like_feed(page.content_type.as_deref(), &page.html),
        Source::Page | Source::Listing { .. } => false,
    };
    let candidates = if is_feed {
        let feed_url = url.clone();
        session
            .cpu(&page.url.clone(), move || {
                partial::items(page.html.as_bytes(), &page.url).map_err(|source| {
                    SourceError::BadFeed {
                        url: feed_url,
                        source,
                    }
                })
            })
            .await
    } else {
        match &feed.source {
            Source::Listing { select, .. } => {
                let select = select.clone();
                session
                    .cpu(&page.url.clone(), move || {
                        listing_candidates(select.as_deref(), &page)
                    })
                    .await
            }
            _ => match detect_page_or_listing(session, feed, page).await {
                Detected::Article(outcome) => return vec![outcome],
                Detected::Listing(candidates) => candidates,
            },
        }
    };
    let candidates = match candidates {
        Ok(c) => c,
        Err(e) => return vec![Outcome::Failed(e)],
    };
    session.remember(url, index_record);
    let follow = match feed.source {
        Source::Listing { follow, .. } | Source::Detect { follow } => is_feed || follow,
        Source::Page | Source::Feed => true,
    };
    let new: Vec<Candidate> = candidates
        .into_iter()
        .filter(|c| !c.id.as_deref().is_some_and(in_feed))
        .filter(|c| {
            !c.url
                .as_ref()
                .is_some_and(|u| in_feed(u.as_str()) || known_page(session, u, in_feed))
        })
        .filter(|c| {
            !feed
                .filters
                .exclude(c.url.as_ref().map(Url::as_str), c.title.as_deref(), None)
        })
        .take(feed.max_new)
        .collect();
    if new.is_empty() {
        return vec![Outcome::Unchanged];
    }
    let found_on = &found_on;
    join_all(new.into_iter().map(|c| async move {
        match (&c.url, follow) {
            (Some(link), true) => {
                let link = link.clone();
                AssertUnwindSafe(update_page(
                    session,
                    feed,
                    &link,
                    found_on,
                    Some(c),
                    in_feed,
                ))
                .catch_unwind()
                .await
                .unwrap_or_else(|panic| crashed(&link, panic.as_ref()))
            }
            _ => from_candidate(feed, c),
        }
    }))
    .await
}

/// A page whose work panicked outside the blocking pool (fetching, `robots.txt`): its
/// error, so a bug there ends neither the run nor the feed's other pages.
fn crashed(url: &Url, panic: &(dyn std::any::Any + Send)) -> Outcome {
    Outcome::Failed(SourceError::Crashed {
        url: url.clone(),
        detail: budget::panic_message(panic),
    })
}

enum Detected {
    Article(Outcome),
    Listing(Result<Vec<Candidate>, SourceError>),
}

/// A page of unknown kind: an article when it reads like one, else an index of articles.
async fn detect_page_or_listing(session: &Session, feed: &Plan, page: Page) -> Detected {
    let url = page.requested_url.clone();
    let record = (page.validators.clone(), page.fresh_until);
    session.extractions.fetch_add(1, Ordering::Relaxed);
    let public_url = public_url_of(&page.url, feed.site_url.as_ref());
    let fetched_at = crate::clock::now();
    // One page, one budget: its links and its article are read in the same step.
    let named = public_url.clone();
    let read = session.cpu(&named, move || {
        let dom = Dom::parse(&page.html);
        let links = discover::discover_parsed(&dom, &page.url);
        let article = extract::extract_parsed(&dom, &public_url, fetched_at);
        Ok((links, article.map_err(SourceError::from)))
    });
    let (links, article) = match read.await {
        Ok(read) => read,
        Err(e) => return Detected::Article(Outcome::Failed(e)),
    };
    let reads_as_article = article
        .as_ref()
        .is_ok_and(|a| a.is_article_page || a.text.chars().count() >= 1500);
    if reads_as_article || links.len() < 5 {
        let outcome = match article {
            Ok(a) => accept_article(session, feed, &url, record, a, None),
            Err(_) if !links.is_empty() => return Detected::Listing(Ok(links)),
            Err(e) => Outcome::Failed(e),
        };
        return Detected::Article(outcome);
    }
    Detected::Listing(Ok(links))
}

fn listing_candidates(
    select: Option<&CompiledSelectors>,
    page: &Page,
) -> Result<Vec<Candidate>, SourceError> {
    let found = match select {
        Some(selectors) => discover::select(&page.html, &page.url, selectors)?,
        None => discover::discover(&page.html, &page.url),
    };
    if found.is_empty() {
        return Err(SourceError::NoLinks {
            url: page.url.clone(),
        });
    }
    Ok(found)
}

fn known_page(session: &Session, url: &Url, in_feed: &(dyn Fn(&str) -> bool + Sync)) -> bool {
    session
        .page_state(url)
        .and_then(|p| p.entry_id)
        .is_some_and(|id| in_feed(&id))
}

/// An entry built from the listing alone (`follow = false`).
fn from_candidate(feed: &Plan, c: Candidate) -> Outcome {
    let Some(url) = c.url.clone() else {
        return Outcome::Unchanged;
    };
    let summary = c.summary.clone().unwrap_or_default();
    let title = c.title.clone().unwrap_or_else(|| url.to_string());
    if feed
        .filters
        .exclude(Some(url.as_str()), Some(&title), Some(&summary))
    {
        return Outcome::Unchanged;
    }
    let content_html = if summary.is_empty() {
        String::new()
    } else {
        format!("<p>{}</p>", crate::html::escape(&summary))
    };
    let article = Article {
        url,
        canonical_url: None,
        title,
        authors: c.authors.clone(),
        published: c.published,
        updated: None,
        summary: summary.clone(),
        content_html,
        text: summary,
        image: c.image.clone(),
        language: None,
        tags: Vec::new(),
        site_name: None,
        is_article_page: false,
        next_page: None,
    };
    Outcome::Found(Box::new(Found {
        article,
        source: Some(c),
    }))
}

/// Fetches one article page unless what the feed has is still good, and extracts it when
/// it changed.
async fn update_page(
    session: &Session,
    feed: &Plan,
    url: &Url,
    provenance: &Provenance,
    source: Option<Candidate>,
    in_feed: &(dyn Fn(&str) -> bool + Sync),
) -> Outcome {
    let now = crate::clock::now();
    let known = session
        .page_state(url)
        .filter(|p| p.entry_id.as_deref().is_some_and(in_feed));
    if let Some(page) = &known {
        let refresh_due = feed
            .refresh_minutes
            .is_some_and(|m| now - page.fetched_at >= chrono::Duration::minutes(i64::from(m)));
        let still_fresh = page.fresh_until.is_some_and(|f| f > now);
        if !session.options.force && (!refresh_due || still_fresh) {
            session.skipped.fetch_add(1, Ordering::Relaxed);
            return Outcome::Unchanged;
        }
    }
    let validators = known
        .as_ref()
        .map(|p| p.validators.clone())
        .unwrap_or_default();
    let page = match fetch(session, feed, url, &validators, provenance).await {
        Ok(Fetched::Page(page)) => *page,
        Ok(Fetched::NotModified { fresh_until }) => {
            touch(session, url, fresh_until);
            return Outcome::Unchanged;
        }
        Err(e) => return Outcome::Failed(e),
    };
    let record = (page.validators.clone(), page.fresh_until);
    let fetched_from = page.url.clone();
    session.extractions.fetch_add(1, Ordering::Relaxed);
    match session.extract(page, feed.site_url.as_ref()).await {
        Ok(article) => {
            let article = join_later_pages(session, feed, article, fetched_from).await;
            accept_article(session, feed, url, record, article, source)
        }
        Err(e) => Outcome::Failed(e),
    }
}

/// Pages of one article a run joins at most, so a pagination loop cannot run away.
const MAX_ARTICLE_PAGES: usize = 10;

/// Follows an article's own "next page" links and appends each page's body, so an article
/// split over several pages is one entry. A page that fails ends the article there.
/// `fetched_from` is where the current page really came from: its `rel=next` is its own.
async fn join_later_pages(
    session: &Session,
    feed: &Plan,
    mut article: Article,
    mut fetched_from: Url,
) -> Article {
    let mut seen = vec![article.url.clone()];
    while let Some(next) = article.next_page.take() {
        if seen.contains(&next) || seen.len() >= MAX_ARTICLE_PAGES {
            break;
        }
        seen.push(next.clone());
        let found_on = Provenance::FoundOn(fetched_from);
        let page = match fetch(session, feed, &next, &Validators::default(), &found_on).await {
            Ok(Fetched::Page(page)) => *page,
            _ => break,
        };
        fetched_from = page.url.clone();
        let Ok(more) = session.extract(page, feed.site_url.as_ref()).await else {
            break;
        };
        article.content_html.push_str(&more.content_html);
        if !more.text.is_empty() {
            article.text.push_str("\n\n");
            article.text.push_str(&more.text);
        }
        article.next_page = more.next_page;
    }
    article
}

/// Records what a page became and applies the body filters.
fn accept_article(
    session: &Session,
    feed: &Plan,
    url: &Url,
    (validators, fresh_until): (Validators, Option<DateTime<Utc>>),
    article: Article,
    source: Option<Candidate>,
) -> Outcome {
    let found = Found { article, source };
    let entry_id = found.entry(crate::clock::now()).id;
    session.remember(
        url,
        PageState {
            validators,
            fetched_at: crate::clock::now(),
            fresh_until,
            entry_id: Some(entry_id),
        },
    );
    let a = &found.article;
    if feed
        .filters
        .exclude(Some(a.link().as_str()), Some(&a.title), Some(&a.text))
    {
        return Outcome::Unchanged;
    }
    let mut found = found;
    // The plain text has served the filters and the page-or-listing decision; a feed
    // publishes the HTML, and the text of every article of a feed would otherwise be held
    // until the feed is written.
    found.article.text = String::new();
    Outcome::Found(Box::new(found))
}

/// One request, after `robots.txt` says yes; the fetcher applies the run's limits.
async fn fetch(
    session: &Session,
    feed: &Plan,
    url: &Url,
    validators: &Validators,
    provenance: &Provenance,
) -> Result<Fetched, SourceError> {
    admit(session, url, provenance, feed.ignore_robots).await?;
    Ok(session
        .fetcher
        .fetch_if_changed(url, validators, provenance)
        .await?)
}

/// One page the user named, fetched under the same policy as a feed's pages.
pub async fn fetch_user_page(session: &Session, url: &Url) -> Result<Page, SourceError> {
    admit(session, url, &Provenance::User, false).await?;
    Ok(session.fetcher.fetch(url, &Provenance::User).await?)
}

/// Whether a request for `url` may go out. A URL the fetcher refuses outright is refused
/// before `robots.txt` is asked for, so no request at all goes to its host and the error
/// names the URL itself.
async fn admit(
    session: &Session,
    url: &Url,
    provenance: &Provenance,
    ignore_robots: bool,
) -> Result<(), SourceError> {
    session.fetcher.admit(url, provenance)?;
    if !ignore_robots {
        session.robots.check(&session.fetcher, url).await?;
    }
    Ok(())
}

fn touch(session: &Session, url: &Url, fresh_until: Option<DateTime<Utc>>) {
    let mut state = session.state.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(p) = state.pages.get_mut(url.as_str()) {
        p.fetched_at = crate::clock::now();
        p.fresh_until = fresh_until;
    }
}

/// Where a fetched page stands: a `file:` page stands for `site_url` + its file name, so its
/// links and relative URLs come out as they would on the public site.
pub fn public_url_of(url: &Url, site_url: Option<&Url>) -> Url {
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
}
