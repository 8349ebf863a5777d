//! The feed model every output format is a view of, and the store that keeps a feed's
//! entries from one run to the next.

pub mod rss;
pub mod store;

use chrono::{DateTime, FixedOffset, Utc};

use crate::extract::Article;

/// A feed as readers see it: channel facts plus entries, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Feed {
    pub title: String,
    /// The site the feed is about (absolute http(s) URL).
    pub link: String,
    pub description: String,
    pub language: Option<String>,
    /// Where the feed itself is published, for `atom:link rel="self"`.
    pub self_url: Option<String>,
    /// When the content last changed; `None` for a feed never written.
    pub last_build: Option<DateTime<Utc>>,
    pub entries: Vec<Entry>,
}

impl Feed {
    pub fn new(title: &str, link: &str, description: &str) -> Feed {
        Feed {
            title: title.to_string(),
            link: link.to_string(),
            description: description.to_string(),
            language: None,
            self_url: None,
            last_build: None,
            entries: Vec::new(),
        }
    }
}

/// One article in a feed.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Stable id (the GUID): the canonical URL, so re-extracting a page never duplicates it.
    pub id: String,
    pub link: String,
    pub title: String,
    pub authors: Vec<String>,
    pub published: DateTime<FixedOffset>,
    /// The page gave no date and `published` is when feedgen first saw it; a later run keeps
    /// the first-seen date instead of moving the entry to the top again.
    pub date_is_first_seen: bool,
    pub summary: String,
    pub content_html: String,
    pub image: Option<String>,
    pub categories: Vec<String>,
}

impl Entry {
    /// The entry for an article first seen at `seen_at`.
    pub fn from_article(article: &Article, seen_at: DateTime<Utc>) -> Entry {
        let link = article.link().to_string();
        Entry {
            id: link.clone(),
            link,
            title: article.title.clone(),
            authors: article.authors.clone(),
            published: article.published.unwrap_or_else(|| seen_at.fixed_offset()),
            date_is_first_seen: article.published.is_none(),
            summary: article.summary.clone(),
            content_html: article.content_html.clone(),
            image: article.image.as_ref().map(|u| u.to_string()),
            categories: article.tags.clone(),
        }
    }
}
