//! Where a feed's entries come from: one article page, an index page whose article links
//! are followed, or an existing (partial) feed whose items are filled in with full text.

pub(crate) mod collect;
pub(crate) mod css;
pub mod discover;
pub mod partial;

use std::sync::Arc;

use chrono::{DateTime, FixedOffset};
use serde::Deserialize;
use url::Url;

pub use discover::CompiledSelectors;

/// How a feed's URLs become articles, decided once when the config is read, so no page has
/// to ask again what its feed wanted.
#[derive(Debug, Clone)]
pub enum Source {
    /// Each URL is an article: one entry each.
    Page,
    /// Each URL is an index page: the user's selectors pick its items (automatic discovery
    /// when there are none), and `follow` fetches each item's page for its full text.
    Listing {
        select: Option<Arc<CompiledSelectors>>,
        follow: bool,
    },
    /// Each URL is an RSS/Atom/JSON feed whose items' pages are fetched for their full text.
    Feed,
    /// Each URL is decided by what it serves: a feed, an article, or an index page (whose
    /// articles are fetched when `follow`).
    Detect { follow: bool },
}

impl Source {
    /// The source the config's `kind`, `select` and `follow` keys describe. Selectors only
    /// mean something on a listing, as they always did.
    pub fn new(kind: Option<Kind>, select: Option<CompiledSelectors>, follow: bool) -> Source {
        match kind {
            Some(Kind::Page) => Source::Page,
            Some(Kind::Feed) => Source::Feed,
            Some(Kind::Listing) => Source::Listing {
                select: select.map(Arc::new),
                follow,
            },
            None => Source::Detect { follow },
        }
    }
}

/// Patterns an entry must (include) or must not (exclude) match in its title, URL or body.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// When any are given, an entry must match one of them.
    pub include: Vec<regex::Regex>,
    /// An entry matching any of these is left out.
    pub exclude: Vec<regex::Regex>,
}

impl Filters {
    /// Whether these leave an entry out. `body` is `None` before the page is fetched, when
    /// only exclusions can be decided.
    pub fn exclude(&self, url: Option<&str>, title: Option<&str>, body: Option<&str>) -> bool {
        let fields = [url, title, body];
        let any = |re: &regex::Regex| fields.iter().flatten().any(|f| re.is_match(f));
        if self.exclude.iter().any(any) {
            return true;
        }
        body.is_some() && !self.include.is_empty() && !self.include.iter().any(any)
    }
}

/// Everything the source stage needs to know about one feed: where its articles come from
/// and which of them it wants.
#[derive(Debug, Clone)]
pub struct Plan {
    pub urls: Vec<Url>,
    pub source: Source,
    /// The public site a `file:` source mirrors: pages read from disk get their links from it.
    pub site_url: Option<Url>,
    /// Fetch even what `robots.txt` disallows (the owner's explicit choice; warned about).
    pub ignore_robots: bool,
    /// Re-check pages already in the feed after this long; `None`: never, articles are
    /// fetched once.
    pub refresh_minutes: Option<u32>,
    /// New articles added per run from a listing or feed source.
    pub max_new: usize,
    pub filters: Filters,
}

/// What kind of source a feed's URL is, as the config and `--kind` name it; `None` means
/// "find out".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// The URL is an article: one entry.
    Page,
    /// The URL is an index page: one entry per article link on it.
    Listing,
    /// The URL is an RSS/Atom/JSON feed: one entry per item, with the linked page's text.
    Feed,
}

/// An article found on a listing page or in a partial feed, before (or instead of) its
/// page is fetched.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Candidate {
    pub url: Option<Url>,
    pub title: Option<String>,
    pub published: Option<DateTime<FixedOffset>>,
    pub summary: Option<String>,
    pub image: Option<Url>,
    pub authors: Vec<String>,
    /// The source's own id for the item (a feed's guid), kept as the entry id.
    pub id: Option<String>,
}

/// html2rss-style CSS selectors for a listing page: `item` picks each article's box, the
/// others are relative to it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Selectors {
    pub item: String,
    pub link: Option<String>,
    pub title: Option<String>,
    pub date: Option<String>,
    pub summary: Option<String>,
    pub image: Option<String>,
}

impl Selectors {
    /// Every selector with its config key, for validation and messages.
    pub fn all(&self) -> Vec<(&'static str, &str)> {
        let mut all = vec![("item", self.item.as_str())];
        for (key, value) in [
            ("link", &self.link),
            ("title", &self.title),
            ("date", &self.date),
            ("summary", &self.summary),
            ("image", &self.image),
        ] {
            if let Some(v) = value {
                all.push((key, v.as_str()));
            }
        }
        all
    }
}
