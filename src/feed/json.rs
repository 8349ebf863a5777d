//! JSON Feed 1.1 (<https://jsonfeed.org/version/1.1>), through serde.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use url::Url;

use super::{
    credited_authors, entry_link, plain_text, resolve, text_safe, Entry, Feed, Format, ParseError,
};

const VERSION: &str = "https://jsonfeed.org/version/1.1";

#[derive(Serialize, Deserialize)]
struct JsonFeed {
    version: String,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    home_page_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    feed_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<String>,
    /// Not part of JSON Feed: kept so `lastBuildDate` survives a round trip through the
    /// store. Extensions start with `_` per the spec, and readers ignore them.
    #[serde(rename = "_feedgen", skip_serializing_if = "Option::is_none")]
    feedgen: Option<Extension>,
    items: Vec<Item>,
}

#[derive(Serialize, Deserialize)]
struct Extension {
    /// RFC 3339 as `to_rfc3339` writes it (`+00:00`), like every other date in the file.
    last_build: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct Item {
    id: String,
    url: String,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_html: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    date_published: String,
    date_modified: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    authors: Vec<Author>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct Author {
    name: String,
}

/// Renders the feed as a JSON Feed 1.1 document, pretty-printed for people who open it.
pub fn render(feed: &Feed) -> String {
    let doc = JsonFeed {
        version: VERSION.into(),
        title: plain_text(&feed.title),
        home_page_url: feed.link.as_ref().map(|l| text_safe(l.as_str())),
        feed_url: feed.self_url.as_ref().map(|u| text_safe(u.as_str())),
        description: Some(plain_text(&feed.description)).filter(|d| !d.is_empty()),
        language: feed.language.as_deref().map(text_safe),
        feedgen: feed.last_build.map(|d| Extension {
            last_build: Some(d.to_rfc3339()),
        }),
        items: feed.entries.iter().map(|e| item(e, feed)).collect(),
    };
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}

fn item(e: &Entry, feed: &Feed) -> Item {
    Item {
        id: text_safe(&e.id),
        url: text_safe(e.link.as_str()),
        title: plain_text(&e.title),
        content_html: Some(text_safe(&e.content_html)).filter(|c| !c.is_empty()),
        summary: Some(plain_text(&e.summary)).filter(|s| !s.is_empty()),
        image: e.image.as_ref().map(|i| text_safe(i.as_str())),
        date_published: e.published.to_rfc3339(),
        date_modified: e.updated.to_rfc3339(),
        authors: credited_authors(e, feed)
            .into_iter()
            .map(|n| Author {
                name: plain_text(n),
            })
            .collect(),
        tags: e.categories.iter().map(|t| plain_text(t)).collect(),
    }
}

/// Reads back a JSON Feed, for merging across runs; `location` is where the file lives,
/// when known (see [`Format::parse_at`]).
pub fn parse(bytes: &[u8], location: Option<&Url>) -> Result<Feed, ParseError> {
    let doc: JsonFeed = serde_json::from_slice(bytes).map_err(ParseError::Json)?;
    if !doc.version.starts_with("https://jsonfeed.org/version/1") {
        return Err(ParseError::JsonVersion {
            version: doc.version,
        });
    }
    let date = |s: &str| {
        DateTime::parse_from_rfc3339(s).map_err(|source| ParseError::JsonDate {
            text: s.to_string(),
            source,
        })
    };
    let link = doc.home_page_url.as_deref().and_then(|l| resolve(l, None));
    let self_url = doc.feed_url.as_deref().and_then(|l| resolve(l, None));
    let bases = [link.as_ref(), self_url.as_ref(), location];
    let base = bases.iter().copied().flatten().next();
    let entries = doc
        .items
        .into_iter()
        .map(|i| {
            Ok(Entry {
                published: date(&i.date_published)?,
                updated: date(&i.date_modified)?,
                link: entry_link(Format::Json, &i.id, Some(&i.url), &bases)?,
                id: i.id,
                title: i.title,
                authors: i.authors.into_iter().map(|a| a.name).collect(),
                date_is_first_seen: false,
                summary: i.summary.unwrap_or_default(),
                content_html: i.content_html.unwrap_or_default(),
                image: i.image.as_deref().and_then(|u| resolve(u, base)),
                categories: i.tags,
            })
        })
        .collect::<Result<Vec<_>, ParseError>>()?;
    Ok(Feed {
        title: doc.title,
        link,
        description: doc.description.unwrap_or_default(),
        language: doc.language,
        self_url,
        last_build: doc
            .feedgen
            .and_then(|f| f.last_build)
            .and_then(|d| DateTime::parse_from_rfc3339(&d).ok())
            .map(|d| d.with_timezone(&Utc)),
        ttl_minutes: None,
        stylesheet: None,
        entries,
    })
}
