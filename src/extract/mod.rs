//! Turning a page into an [`Article`]: metadata from what the page declares, the body from
//! content scoring, then visible-page fallbacks for whatever was not declared.
//!
//! Extraction is pure: it takes the HTML and the URL it came from and does no I/O, so it is
//! deterministic, testable and benchmarkable on pages already in memory.

pub mod content;
pub mod dates;
pub mod dom;
pub mod metadata;
pub mod nesting;
pub mod render;

use chrono::{DateTime, FixedOffset, Utc};
use scraper::Html;
use url::Url;

use dom::Dom;
use metadata::Declared;
use render::Body;

/// Below this many characters of body text, and with no description, a page is not an
/// article (a front page, an error page, a login wall).
const MIN_ARTICLE_CHARS: usize = 50;
/// Longest summary written into a feed entry's description.
const SUMMARY_CHARS: usize = 300;

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

/// Extracts the article from `html`, which was read from `url` at `fetched_at` (the time
/// relative dates such as "3 hours ago" count from).
pub fn extract(html: &str, url: &Url, fetched_at: DateTime<Utc>) -> Result<Article, ExtractError> {
    // Parsing is quadratic in nesting depth: pathological pages are flattened first.
    let html = nesting::limit_depth(html);
    let document = Html::parse_document(&html);
    let dom = Dom::build(&document);
    let declared = metadata::read(&dom);
    let base = link_base(&declared, url);

    let title = choose_title(&dom, &declared);
    let analysis = content::analyse(&dom);
    let body = content::select_body(&dom, &analysis)
        .map(|roots| {
            render::render(
                &dom,
                &analysis,
                &roots,
                &base,
                title.as_deref().unwrap_or(""),
            )
        })
        .unwrap_or_default();
    let text = body.text();
    let description = declared
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty());
    if text.chars().count() < MIN_ARTICLE_CHARS && (title.is_none() || description.is_none()) {
        return Err(ExtractError::NoArticle { url: url.clone() });
    }

    let language = declared.language.as_deref().and_then(normalize_language);
    let zone = dates::default_zone(language.as_deref());
    let published = declared
        .published
        .as_deref()
        .and_then(|d| dates::parse_machine(d, zone))
        .or_else(|| visible_date(&dom, title.as_deref(), language.as_deref(), fetched_at));
    let updated = declared
        .updated
        .as_deref()
        .and_then(|d| dates::parse_machine(d, zone));
    let authors = if declared.authors.is_empty() {
        trailing_byline(&body)
    } else {
        declared.authors.clone()
    };
    let image = declared
        .image
        .as_deref()
        .and_then(|i| render::absolute(&base, i))
        .filter(|u| u.scheme() != "mailto")
        .or_else(|| body.first_image.clone());

    Ok(Article {
        canonical_url: canonical(&declared, url),
        title: title.unwrap_or_else(|| first_words(&text, 80)),
        authors,
        published,
        updated,
        summary: summary(description, &body),
        content_html: body.html,
        text,
        image,
        language,
        tags: declared.tags,
        site_name: declared.site_name,
        is_article_page: declared.declares_article,
        next_page: declared
            .next_links
            .iter()
            .filter_map(|h| base.join(h).ok())
            .find(|next| is_continuation(url, next)),
        url: url.clone(),
    })
}

/// What relative links resolve against: `<base href>`, else the page's URL; but a page read
/// from a file that declares its canonical web address resolves against that, so its images
/// and links point at the web and not at the reader's disk.
fn link_base(declared: &Declared, url: &Url) -> Url {
    if let Some(base) = declared.base_href.as_deref().and_then(|b| url.join(b).ok()) {
        return base;
    }
    if url.scheme() == "file" {
        if let Some(web) = canonical(declared, url) {
            return web;
        }
    }
    url.clone()
}

/// The headline: declared title or `<h1>`, without the site name that `<title>` and
/// `og:title` often append ("Headline - Site", "Site | Headline").
fn choose_title(dom: &Dom, declared: &Declared) -> Option<String> {
    let site = declared.site_name.as_deref();
    let h1s: Vec<String> = dom
        .elements_named("h1")
        .map(|h| dom.text(h))
        .filter(|t| !t.is_empty())
        .take(5)
        .collect();
    if let Some(t) = declared.title.as_deref().filter(|t| !t.trim().is_empty()) {
        return Some(strip_site_name(t, site, &h1s));
    }
    if let Some(html_title) = declared.html_title.as_deref() {
        let html_lower = html_title.to_lowercase();
        if let Some(h1) = h1s.iter().find(|h| html_lower.contains(&h.to_lowercase())) {
            return Some(h1.clone());
        }
        let stripped = strip_site_name(html_title, site, &h1s);
        if !stripped.is_empty() {
            return Some(stripped);
        }
    }
    h1s.into_iter().next()
}

const TITLE_SEPARATORS: [&str; 8] = [" - ", " | ", " – ", " — ", " · ", " :: ", " » ", " / "];

fn strip_site_name(title: &str, site: Option<&str>, h1s: &[String]) -> String {
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    if h1s.iter().any(|h| h.eq_ignore_ascii_case(&title)) {
        return title;
    }
    for sep in TITLE_SEPARATORS {
        let Some((head, tail)) = title.rsplit_once(sep) else {
            continue;
        };
        let is_site = |part: &str| site.is_some_and(|s| part.trim().eq_ignore_ascii_case(s.trim()));
        if is_site(tail) || (site.is_none() && looks_like_site_name(tail, head)) {
            return head.trim().to_string();
        }
        if let Some((first, rest)) = title.split_once(sep) {
            if is_site(first) {
                return rest.trim().to_string();
            }
        }
        if let Some(h1) = h1s.iter().find(|h| h.eq_ignore_ascii_case(head.trim())) {
            return h1.clone();
        }
    }
    title
}

/// A trailing segment is a site name when it is short and the headline before it is longer.
fn looks_like_site_name(tail: &str, head: &str) -> bool {
    let tail_words = tail.split_whitespace().count();
    let head_words = head.split_whitespace().count();
    tail_words <= 3 && head_words > tail_words
}

/// The visible date near the headline: the first short element after the `<h1>` that reads
/// as a date, trying elements whose class says date or time first.
fn visible_date(
    dom: &Dom,
    title: Option<&str>,
    language: Option<&str>,
    fetched_at: DateTime<Utc>,
) -> Option<DateTime<FixedOffset>> {
    let start = dom
        .elements_named("h1")
        .find(|&h| title.is_none_or(|t| dom.text(h).eq_ignore_ascii_case(t)))
        .or_else(|| dom.elements_named("h1").next())
        .or_else(|| dom.elements_named("body").next())?;
    let zone = dates::default_zone(language);
    let month_first = dates::month_first(language);
    let window = start..dom.len().min(start + 400);
    let mut short_texts: Vec<(usize, String)> = Vec::new();
    for i in window {
        let Some(el) = dom.element(i) else { continue };
        if matches!(el.name(), "script" | "style" | "a") || dom.nodes[i].end - i > 12 {
            continue;
        }
        let text = dom.text(i);
        if text.len() <= 160 && text.chars().any(|c| c.is_ascii_digit()) {
            short_texts.push((i, text));
        }
    }
    let dateish = |i: usize| {
        let ci = dom.class_and_id(i);
        ["date", "time", "publish", "posted"]
            .iter()
            .any(|w| ci.contains(w))
            || dom.tag(i) == "time"
    };
    let ordered = short_texts
        .iter()
        .filter(|(i, _)| dateish(*i))
        .chain(short_texts.iter().filter(|(i, _)| !dateish(*i)));
    for (i, text) in ordered {
        if let Some(d) = dom
            .attr(*i, "datetime")
            .and_then(|d| dates::parse_machine(d, zone))
        {
            return Some(d);
        }
        if let Some(d) = dates::parse_visible(text, zone, month_first) {
            return Some(d);
        }
        if let Some(d) = dates::parse_relative(text, fetched_at) {
            return Some(d);
        }
    }
    None
}

/// An upper-case name alone at the end of the body is the author's signature, a common
/// convention of Vietnamese and Indonesian news sites ("KHANH MINH").
fn trailing_byline(body: &Body) -> Vec<String> {
    for block in body.blocks.iter().rev().take(3) {
        let candidate = block
            .trim()
            .trim_matches(|c: char| matches!(c, '(' | ')' | '-' | '–' | '—' | ' '));
        let letters: Vec<char> = candidate.chars().filter(|c| c.is_alphabetic()).collect();
        let words = candidate.split_whitespace().count();
        let signature = letters.len() >= 3
            && letters.iter().all(|c| c.is_uppercase())
            && (1..=5).contains(&words)
            && candidate.chars().count() <= 50
            && !candidate.chars().any(|c| c.is_ascii_digit());
        if signature {
            return metadata::split_authors(candidate);
        }
    }
    Vec::new()
}

/// Whether `next` reads as a later page of the article at `current` rather than another
/// article that a theme marks `rel="next"`: same site, and the same path with only a page
/// number added or changed (`/story?page=2`, `/story/2`, `/story-2.html`, `/story/page/2/`).
fn is_continuation(current: &Url, next: &Url) -> bool {
    if current.host_str() != next.host_str() || current == next {
        return false;
    }
    let strip = |u: &Url| {
        let path = u.path().trim_end_matches('/');
        let path = path
            .rsplit_once('.')
            .filter(|(_, ext)| ext.len() <= 5 && !ext.contains('/'))
            .map_or(path, |(stem, _)| stem);
        path.to_string()
    };
    let (a, b) = (strip(current), strip(next));
    if a == b {
        // Same path: the query must carry a page number.
        return next
            .query_pairs()
            .any(|(_, v)| v.chars().all(|c| c.is_ascii_digit()) && !v.is_empty());
    }
    let base = strip_page_suffix(&a);
    b.strip_prefix(base)
        .map(|rest| rest.trim_start_matches(['/', '-', '_']))
        .map(|rest| {
            rest.strip_prefix("page")
                .unwrap_or(rest)
                .trim_start_matches(['/', '-', '_'])
        })
        .is_some_and(|rest| {
            !rest.is_empty() && rest.len() <= 4 && rest.chars().all(|c| c.is_ascii_digit())
        })
}

/// `/story/2` → `/story`, `/story-3` → `/story`: where page 2 of page 3 starts.
fn strip_page_suffix(path: &str) -> &str {
    let trimmed = path.trim_end_matches(|c: char| c.is_ascii_digit());
    if trimmed.len() < path.len() && trimmed.ends_with(['/', '-', '_']) {
        let t = trimmed.trim_end_matches(['/', '-', '_']);
        t.strip_suffix("/page")
            .or_else(|| t.strip_suffix("-page"))
            .unwrap_or(t)
    } else {
        path
    }
}

/// The canonical link, unless it is clearly wrong (not web, or the site's home page for an
/// article page, a common CMS misconfiguration).
fn canonical(declared: &Declared, url: &Url) -> Option<Url> {
    let c = url.join(declared.canonical.as_deref()?.trim()).ok()?;
    let web = matches!(c.scheme(), "http" | "https");
    let home_for_article =
        c.path() == "/" && url.path() != "/" && matches!(url.scheme(), "http" | "https");
    (web && !home_for_article).then_some(c)
}

/// "en_US" → "en-us": the form RSS's `<language>` uses.
fn normalize_language(tag: &str) -> Option<String> {
    let tag = tag.trim().replace('_', "-").to_ascii_lowercase();
    let valid = !tag.is_empty()
        && tag.len() <= 35
        && tag
            .split('-')
            .all(|p| !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric()))
        && tag.split('-').next().is_some_and(|p| {
            (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic())
        });
    valid.then_some(tag)
}

/// The page's description, unless it is only a cut-off copy of the first paragraph, in which
/// case the paragraph itself reads better.
fn summary(description: Option<&str>, body: &Body) -> String {
    let lead = body.prose_blocks().next().unwrap_or("");
    if let Some(d) = description {
        let stem = d.trim_end_matches(['.', '…', ' ']);
        let truncated_copy = !stem.is_empty() && lead.starts_with(stem) && lead.len() > stem.len();
        if !truncated_copy {
            return d.to_string();
        }
    }
    first_words(
        &body.prose_blocks().collect::<Vec<_>>().join(" "),
        SUMMARY_CHARS,
    )
}

/// At most `max` characters, cut at a word boundary, with an ellipsis when cut.
fn first_words(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url() -> Url {
        Url::parse("https://news.example/2024/07/story.html").unwrap()
    }

    #[test]
    fn titles_lose_the_site_name() {
        let h1 = vec!["Headline here".to_string()];
        assert_eq!(
            strip_site_name("Headline here - Kabar", None, &[]),
            "Headline here"
        );
        assert_eq!(
            strip_site_name("Kabar | Headline here", Some("Kabar"), &[]),
            "Headline here"
        );
        assert_eq!(
            strip_site_name("Headline here | Some Long Site Name Inc", None, &h1),
            "Headline here"
        );
        assert_eq!(strip_site_name("Rock - Paper", None, &[]), "Rock - Paper");
    }

    #[test]
    fn a_local_copy_resolves_links_against_its_canonical_address() {
        let html = "<html><head><link rel=canonical href='https://e.org/news/a.html'></head><body><article>\
            <p>Enough text in this paragraph to be the body of the article, with commas, and words.</p>\
            <img src='/img/a.jpg'></article></body></html>";
        let file = Url::parse("file:///tmp/a.html").unwrap();
        let a = extract(html, &file, Utc::now()).unwrap();
        assert!(
            a.content_html.contains("src=\"https://e.org/img/a.jpg\""),
            "{}",
            a.content_html
        );
        assert_eq!(a.link().as_str(), "https://e.org/news/a.html");
    }

    #[test]
    fn next_pages_of_the_same_article_only() {
        let u = |s: &str| Url::parse(s).unwrap();
        let story = u("https://e.org/news/big-story.html");
        assert!(is_continuation(
            &story,
            &u("https://e.org/news/big-story-2.html")
        ));
        assert!(is_continuation(
            &story,
            &u("https://e.org/news/big-story.html?page=2")
        ));
        assert!(is_continuation(
            &u("https://e.org/news/big-story/"),
            &u("https://e.org/news/big-story/2/")
        ));
        assert!(is_continuation(
            &u("https://e.org/news/big-story/2/"),
            &u("https://e.org/news/big-story/3/")
        ));
        assert!(is_continuation(
            &u("https://e.org/a/story"),
            &u("https://e.org/a/story/page/2")
        ));
        assert!(!is_continuation(
            &story,
            &u("https://e.org/news/another-story.html")
        ));
        assert!(!is_continuation(
            &story,
            &u("https://other.org/news/big-story-2.html")
        ));
        assert!(!is_continuation(
            &story,
            &u("https://e.org/news/big-story-about-more.html")
        ));
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
    fn languages_normalise_to_rss_form() {
        assert_eq!(normalize_language("en_US").as_deref(), Some("en-us"));
        assert_eq!(normalize_language("id").as_deref(), Some("id"));
        assert_eq!(normalize_language("not a language"), None);
    }

    #[test]
    fn truncated_descriptions_give_way_to_the_lead() {
        let body = Body {
            blocks: vec!["The full first paragraph, which is long.".into()],
            prose: vec![0],
            ..Body::default()
        };
        assert_eq!(
            summary(Some("The full first para"), &body),
            "The full first paragraph, which is long."
        );
        assert_eq!(summary(Some("Something else."), &body), "Something else.");
    }
}
