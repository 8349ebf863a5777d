//! Turning a page into an [`Article`]: metadata from what the page declares, the body from
//! content scoring, then visible-page fallbacks for whatever was not declared.
//!
//! [`extract`] asks each field of its own module in turn: `metadata` (what the page
//! declares), `content` and `render` (the body), `title`, `language`, `headline` (where the
//! byline, dates and lead image are looked for), `dates`, `authors`, `media` (the lead
//! image), `summary`, `canonical` and `pagination`. The words all of them read pages by,
//! in every language, are in `words`.
//!
//! Extraction is pure: it takes the HTML and the URL it came from and does no I/O, so it is
//! deterministic, testable and benchmarkable on pages already in memory.

mod authors;
pub mod budget;
mod canonical;
pub(crate) mod content;
pub(crate) mod dates;
pub mod dom;
mod headline;
mod language;
mod media;
pub(crate) mod metadata;
pub mod nesting;
mod pagination;
pub mod render;
mod summary;
#[cfg(test)]
mod test_pages;
mod title;
pub(crate) mod words;

pub(crate) use dates::plausible_date;

use chrono::{DateTime, FixedOffset, Utc};
use url::Url;

use dom::Dom;

/// Below this many characters of body text, and with no description, a page is not an
/// article (a front page, an error page, a login wall).
const MIN_ARTICLE_CHARS: usize = 50;

/// Everything a feed entry is made from.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    /// The URL the page was read from (after redirects).
    pub url: Url,
    /// The page's declared canonical URL, when it is a plausible one.
    pub canonical_url: Option<Url>,
    pub title: String,
    pub authors: Vec<String>,
    pub published: Option<DateTime<FixedOffset>>,
    pub updated: Option<DateTime<FixedOffset>>,
    pub summary: String,
    /// Cleaned, sanitised body HTML with absolute links.
    pub content_html: String,
    /// The body as plain text, blocks separated by blank lines.
    pub text: String,
    pub image: Option<Url>,
    pub language: Option<String>,
    pub tags: Vec<String>,
    pub site_name: Option<String>,
    /// The page declares itself an article (Open Graph or JSON-LD), as opposed to an index.
    pub is_article_page: bool,
    /// The next page of this same article, when it is split over several pages.
    pub next_page: Option<Url>,
}

impl Article {
    /// The link readers should follow: canonical when declared, else where it was read.
    pub fn link(&self) -> &Url {
        self.canonical_url.as_ref().unwrap_or(&self.url)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error("{url}: no article found (no title and no body text); if this is an index page, it needs a listing source")]
    NoArticle { url: Url },
}

/// A small article that goes through every stage of [`extract`].
const WARM_UP_PAGE: &str = "<html lang=en><head><title>Warm-up | Site</title></head><body>\
    <article><h1>Warm-up</h1><p class=byline>By Ann Lee, 17 July 2024 10:15 WIB, updated \
    2 hours ago</p><p>One paragraph of text, long enough to be an article body, \
    with <a href=/x>a link</a>.</p><p>Another paragraph [ads] follows it here.</p>\
    </article></body></html>";

/// Pays extraction's one-time costs up front (compiling the date patterns; growing the
/// heap to a news page's working set, which a process extracting page after page keeps),
/// so that a caller timing pages, as a benchmark does after its untimed warm-up page,
/// measures the work each page costs.
pub fn warm_up() {
    dates::warm_up();
    render::warm_up();
    if let Ok(url) = Url::parse("https://example.org/warm-up") {
        // The results are not wanted; only the work is.
        let _ = extract(WARM_UP_PAGE, &url, Utc::now());
        let _ = extract(&news_sized_page(), &url, Utc::now());
    }
}

/// [`WARM_UP_PAGE`] grown to the size of a typical news page (about 65 KB of markup,
/// 1,700 elements): menus and teaser lists around a long article.
fn news_sized_page() -> String {
    let menu = "<li><a href=/section>Section name</a></li>".repeat(60);
    let teasers = "<li class=teaser><a href=/2024/07/other-story>Another story's headline \
        in a few words</a><span>2 hours ago</span></li>"
        .repeat(40);
    let paragraphs = "<p>A paragraph of the article, with a sentence or two, some commas, \
        <a href=/topic>a link</a> and <b>emphasis</b>, as articles are written.</p>"
        .repeat(60);
    let body = WARM_UP_PAGE.replace("</article>", &format!("{paragraphs}</article>"));
    body.replace(
        "<body>",
        &format!("<body><nav><ul>{menu}</ul></nav><aside><ul>{teasers}</ul></aside>"),
    )
    .repeat(4)
}

/// Extracts the article from `html`, which was read from `url` at `fetched_at` (the time
/// relative dates such as "3 hours ago" count from). Each field is asked of its own module
/// in turn; the headline found once anchors the byline, dates and lead image.
pub fn extract(html: &str, url: &Url, fetched_at: DateTime<Utc>) -> Result<Article, ExtractError> {
    extract_parsed(&Dom::parse(html), url, fetched_at)
}

/// [`extract`] on a page already parsed, so a page read for more than its article (its
/// links too, when its kind is not known) is parsed once.
pub fn extract_parsed(
    dom: &Dom,
    url: &Url,
    fetched_at: DateTime<Utc>,
) -> Result<Article, ExtractError> {
    let declared = metadata::read(dom);
    let base = canonical::link_base(&declared, url);
    // Between the passes, a page over its time budget stops (see `budget`).
    budget::check();

    let title = title::choose_title(dom, &declared);
    let analysis = content::analyse(dom);
    budget::check();
    let roots = content::select_body(dom, &analysis);
    budget::check();
    let body = roots
        .as_ref()
        .map(|roots| render::render(dom, &analysis, roots, &base, title.as_deref().unwrap_or("")))
        .unwrap_or_default();
    budget::check();
    let text = body.text();
    let description = summary::description(&declared);
    if text.chars().count() < MIN_ARTICLE_CHARS && (title.is_none() || description.is_none()) {
        return Err(ExtractError::NoArticle { url: url.clone() });
    }

    let language = language::choose_language(
        declared.language.as_deref(),
        title.as_deref().unwrap_or(""),
        &text,
    );
    let host = base.host_str().or(url.host_str());
    let headline = headline::headline_index(dom, title.as_deref());
    let dated = dates::published_and_updated(
        dom,
        (declared.published.as_deref(), declared.updated.as_deref()),
        language.as_deref(),
        host,
        headline,
        fetched_at,
    );
    let authors = authors::choose_authors(
        dom,
        &declared.authors,
        declared.site_name.as_deref(),
        headline,
        roots.as_deref(),
        &body,
    );
    let image = media::choose_image(dom, &declared, &body, headline, roots.as_deref(), &base);
    let next_page = pagination::next_page(&declared, &base, url);

    Ok(Article {
        canonical_url: canonical::canonical(&declared, url),
        title: title.unwrap_or_else(|| summary::first_words(&text, 80)),
        authors,
        published: dated.published,
        updated: dated.updated,
        summary: summary::summary(description, &body),
        content_html: body.html,
        text,
        image,
        language,
        tags: declared.tags,
        site_name: declared.site_name,
        is_article_page: declared.declares_article,
        next_page,
        url: url.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use test_pages::at_fetch;

    fn url() -> Url {
        Url::parse("https://news.example/2024/07/story.html").unwrap()
    }

    #[test]
    fn no_article_is_a_clear_error() {
        let err = extract(
            "<html><body><nav><a href=/>Home</a></nav></body></html>",
            &url(),
            Utc::now(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("no article found"));
        assert!(extract("", &url(), Utc::now()).is_err());
        assert!(extract("\u{0}\u{1}binary\u{fffd}", &url(), Utc::now()).is_err());
    }

    /// Correctness only: the time this takes is measured by `cargo bench --bench extract`.
    #[test]
    fn a_page_nested_100000_levels_deep_extracts() {
        let depth = 100_000;
        let para =
            "<p>This is a sentence of the article, long enough to be scored as real text.</p>";
        let page = format!(
            "<html><head><title>Deep - Site</title></head><body>{}<h1>Deep</h1>{}{}</body></html>",
            "<div class=wrap>".repeat(depth),
            para.repeat(3),
            "</div>".repeat(depth)
        );
        let article = extract(&page, &url(), Utc::now()).unwrap();
        assert_eq!(article.title, "Deep");
        assert_eq!(article.text.matches("This is a sentence").count(), 3);
        assert_eq!(
            article.content_html,
            "<p>This is a sentence of the article, long enough to be scored as real text.</p>"
                .repeat(3)
        );
    }

    #[test]
    fn warm_up_page_goes_through_every_stage() {
        let url = Url::parse("https://example.org/warm-up").unwrap();
        let article = extract(WARM_UP_PAGE, &url, at_fetch()).unwrap();
        assert_eq!(article.title, "Warm-up");
        assert_eq!(article.authors, ["Ann Lee"]);
        assert!(article.published.is_some());
        assert!(!article.text.contains("[ads]"));
    }
}
