//! The feed model every output format is a view of, and the store that keeps a feed's
//! entries from one run to the next.
//!
//! Writers never decide content: RSS 2.0, Atom 1.0 and JSON Feed 1.1 render the same
//! [`Feed`], so a reader gets the same entries, ids, dates and authors whichever it reads.

pub mod atom;
pub mod json;
pub mod opml;
pub mod rss;
pub mod stylesheet;

/// The `generator` element of every feed we write.
pub const GENERATOR: &str = concat!("feedgen ", env!("CARGO_PKG_VERSION"));

/// An output format, chosen per feed in the config or with `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Rss,
    Atom,
    Json,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Rss, Format::Atom, Format::Json];

    /// File extension: `feeds/NAME.xml`, `.atom`, `.json`.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Rss => "xml",
            Format::Atom => "atom",
            Format::Json => "json",
        }
    }

    /// The format a file's extension implies (`.atom`, `.json`), else RSS.
    pub fn of_path(path: Option<&std::path::Path>) -> Format {
        let ext = path
            .and_then(|p| p.extension())
            .and_then(|e| e.to_str())
            .unwrap_or("");
        Format::ALL
            .into_iter()
            .find(|f| f.extension().eq_ignore_ascii_case(ext))
            .unwrap_or(Format::Rss)
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Format::Rss => "application/rss+xml",
            Format::Atom => "application/atom+xml",
            Format::Json => "application/feed+json",
        }
    }

    pub fn render(self, feed: &Feed) -> String {
        match self {
            Format::Rss => rss::render(feed),
            Format::Atom => atom::render(feed),
            Format::Json => json::render(feed),
        }
    }

    /// Reads a feed of this format back into the model (the store of the next run).
    pub fn parse(self, bytes: &[u8]) -> Result<Feed, String> {
        match self {
            Format::Rss => rss::parse(bytes),
            Format::Atom => atom::parse(bytes),
            Format::Json => json::parse(bytes),
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Format, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "rss" => Ok(Format::Rss),
            "atom" => Ok(Format::Atom),
            "json" => Ok(Format::Json),
            other => Err(format!("unknown format {other:?}: use rss, atom or json")),
        }
    }
}

/// Drops the characters XML 1.0 forbids: one NUL in a page must not make a feed unreadable.
/// JSON could carry them, but readers show them as garbage, so every format drops them.
pub fn text_safe(text: &str) -> String {
    text.chars().filter(|&c| is_xml_char(c)).collect()
}

/// Plain text as every reader can show it safely: no XML-forbidden characters, no bidi
/// embedding, override or isolate controls (U+202A–U+202E, U+2066–U+2069), which let a title
/// display as something other than what it says, and no text that reads as markup. RSS
/// never said whether a title is text or HTML, and careless readers render it as HTML, so a
/// visible `<script>` becomes `‹script›` (U+2039/U+203A): the same to a person's eye, inert
/// to every parser, and no longer "HTML in a title" to the W3C validator. Idempotent, so a
/// file read back and written again is byte-identical.
pub fn plain_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut inside_tag = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {}
            '<' if chars
                .peek()
                .is_some_and(|&n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')) =>
            {
                inside_tag = true;
                out.push('\u{2039}');
            }
            '>' if inside_tag => {
                inside_tag = false;
                out.push('\u{203A}');
            }
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
    out
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Between the names of a byline written as one string (RSS's `dc:creator`).
pub const BYLINE_SEPARATOR: &str = ", ";

/// What an entry says about its author: its own authors, or the feed's title (the
/// publisher) when the page names none. Readers show a missing author as a blank.
pub fn credited_authors<'a>(entry: &'a Entry, feed: &'a Feed) -> Vec<&'a str> {
    if entry.authors.is_empty() && !feed.title.trim().is_empty() {
        vec![feed.title.as_str()]
    } else {
        entry.authors.iter().map(String::as_str).collect()
    }
}

/// Media RSS, which readers use for an entry's picture in RSS and in Atom alike.
pub const MEDIA_NS: &str = "http://search.yahoo.com/mrss/";

/// Attributes of the `media:content` element for a lead image.
pub fn media_content_attrs(image: &str) -> std::collections::BTreeMap<String, String> {
    let mut attrs: std::collections::BTreeMap<String, String> = [
        ("url".to_string(), text_safe(image)),
        ("medium".to_string(), "image".to_string()),
    ]
    .into_iter()
    .collect();
    if let Some(mime) = image_type(image) {
        attrs.insert("type".into(), mime.into());
    }
    attrs
}

/// The type an enclosure announces for a lead image. An enclosure must carry a type, and
/// readers that take pictures only from enclosures show none without one; an image URL with
/// no telling extension (CDN URLs often have none) is announced as JPEG, which is what such
/// URLs serve most often, and every reader decodes what it receives, not what was announced.
pub fn enclosure_type(url: &str) -> &'static str {
    image_type(url).unwrap_or("image/jpeg")
}

/// The MIME type of an image URL by its extension, for enclosures.
pub fn image_type(url: &str) -> Option<&'static str> {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let ext = path.rsplit_once('.').map(|(_, e)| e)?;
    Some(match ext {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "svg" => "image/svg+xml",
        _ => return None,
    })
}

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
    /// Minutes a reader may cache the feed: the cron interval (RSS `<ttl>`).
    pub ttl_minutes: Option<u32>,
    /// Relative URL of an XSL stylesheet that renders the XML formats in a browser.
    pub stylesheet: Option<String>,
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
            ttl_minutes: None,
            stylesheet: None,
            entries: Vec::new(),
        }
    }

    /// Whether an entry with this id or link is in the feed already.
    pub fn contains(&self, id_or_link: &str) -> bool {
        self.entries
            .iter()
            .any(|e| e.id == id_or_link || e.link == id_or_link)
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
    /// When the entry last changed: the page's own modification date, or the run that saw
    /// its content change. Never moves while the content stays the same.
    pub updated: DateTime<FixedOffset>,
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
        let published = article.published.unwrap_or_else(|| seen_at.fixed_offset());
        Entry {
            id: link.clone(),
            link,
            title: plain_text(&article.title),
            authors: article.authors.iter().map(|a| plain_text(a)).collect(),
            published,
            updated: article
                .updated
                .filter(|u| *u > published)
                .unwrap_or(published),
            date_is_first_seen: article.published.is_none(),
            summary: plain_text(&article.summary),
            content_html: article.content_html.clone(),
            image: article.image.as_ref().map(|u| u.to_string()),
            categories: article.tags.iter().map(|t| plain_text(t)).collect(),
        }
    }

    /// Whether a reader would see a difference between the two versions of an entry.
    pub fn same_content(&self, other: &Entry) -> bool {
        self.title == other.title
            && self.link == other.link
            // As a byline: RSS keeps the names as one string, and that is what readers show.
            && self.authors.join(BYLINE_SEPARATOR) == other.authors.join(BYLINE_SEPARATOR)
            && self.summary == other.summary
            && self.content_html == other.content_html
            && self.image == other.image
            && self.categories == other.categories
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_inert_and_idempotent() {
        let tricky =
            "Invoice \u{202E}fdp.exe <script>alert(1)</script> a < b, c > d \u{0}<!-- x -->";
        let clean = plain_text(tricky);
        assert_eq!(
            clean,
            "Invoice fdp.exe ‹script›alert(1)‹/script› a < b, c > d ‹!-- x --›"
        );
        assert_eq!(plain_text(&clean), clean);
        assert_eq!(plain_text("مرحبا \u{2067}x\u{2069}"), "مرحبا x");
    }
}
