//! Finding the article links on an index page, automatically or with the user's selectors.
//!
//! Automatic discovery scores every link by three kinds of evidence and keeps those that
//! add up: the URL's shape (a slug of several words, a numeric id or date, `.html`; not
//! `/tag/`, `/page/2`, `/login`), the anchor text (a headline has several words; a menu
//! entry has one), and where the link sits (navigation, footers, breadcrumbs, pagination,
//! tag clouds and share bars are penalised). Links to other sites, `mailto:`,
//! `javascript:` and fragments are never candidates.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, FixedOffset};
use url::Url;

use super::css::Css;
use super::{Candidate, Selectors};
use crate::extract::dom::{Dom, NodeKind};
use crate::extract::words::{FURNITURE_WORDS, NOT_ARTICLE_SEGMENTS, PAGING_PARAMS};
use crate::extract::{budget, dates};
use crate::link::absolute;
use crate::link::{clean_link, same_form_as, same_site};

/// Score a link needs to count as an article link.
const THRESHOLD: f64 = 2.5;

/// Links of a page that discovery reads; the rest are ignored. The biggest front pages
/// have a couple of thousand; a page with far more is a link farm or an attack, and its
/// first links are the ones worth following.
pub const MAX_LINKS: usize = 10_000;

/// Article links one index page yields at most, in page order. A run follows only the
/// first `max_new` new ones anyway.
pub const MAX_CANDIDATES: usize = 1_000;

/// The article links of an index page, in page order, each once.
pub fn discover(html: &str, page_url: &Url) -> Vec<Candidate> {
    discover_parsed(&Dom::parse(html), page_url)
}

/// [`discover`] on a page already parsed.
pub fn discover_parsed(dom: &Dom, page_url: &Url) -> Vec<Candidate> {
    let base = base_of(dom, page_url);
    let page_clean = clean_link(page_url);
    // First every same-site link with its own evidence, then the evidence of repetition.
    let mut links: Vec<(Url, usize, f64)> = Vec::new();
    for i in dom.elements_named("a").take(MAX_LINKS) {
        budget::tick();
        let Some(url) = dom.attr(i, "href").and_then(|h| absolute(&base, h)) else {
            continue;
        };
        if !matches!(url.scheme(), "http" | "https") || !same_site(&url, page_url) {
            continue;
        }
        let url = same_form_as(&clean_link(&url), page_url);
        if url == page_clean || url.path() == "/" {
            continue;
        }
        let score = url_score(&url) + text_score(&link_text(dom, i)) + context_score(dom, i);
        links.push((url, i, score));
    }
    let templates = template_counts(&links);
    let mut found: Vec<(Url, Vec<usize>)> = Vec::new();
    let mut found_at: HashMap<Url, usize> = HashMap::new();
    for (url, i, score) in links {
        budget::tick();
        let repeated = templates.get(&template(&url)).copied().unwrap_or(0);
        let structure = if repeated >= 3 {
            1.0
        } else if repeated <= 1 && !has_id_or_date(&url) {
            -0.5
        } else {
            0.0
        };
        if score + structure < THRESHOLD {
            continue;
        }
        match found_at.get(&url) {
            Some(&at) => found[at].1.push(i),
            None if found.len() < MAX_CANDIDATES => {
                found_at.insert(url.clone(), found.len());
                found.push((url, vec![i]));
            }
            None => {}
        }
    }
    found
        .into_iter()
        .map(|(url, anchors)| {
            budget::tick();
            candidate_from_links(dom, &base, url, &anchors)
        })
        .collect()
}

/// A URL's shape: numbers and ids become `#`, multi-word slugs `~`, other segments stay.
/// Article links of one site share a shape (`/news/articles/#`, `/#/#/#/~/`); menus and
/// one-off pages mostly do not.
fn template(url: &Url) -> String {
    let mut shape = String::new();
    for segment in url
        .path_segments()
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
    {
        let digits = segment.chars().filter(char::is_ascii_digit).count();
        let separators = segment.matches(['-', '_']).count();
        let ext = segment.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        shape.push('/');
        if digits >= 4 || (digits > 0 && digits == segment.len()) {
            shape.push('#');
        } else if separators >= 2 {
            shape.push('~');
        } else {
            shape.push_str(&segment.to_ascii_lowercase());
            continue;
        }
        if !ext.is_empty() && ext.len() <= 5 {
            shape.push('.');
            shape.push_str(ext);
        }
    }
    let mut keys: Vec<String> = url
        .query_pairs()
        .map(|(k, _)| {
            if k.chars().any(|c| c.is_ascii_digit()) {
                "#".to_string()
            } else {
                k.into_owned()
            }
        })
        .collect();
    keys.sort();
    if !keys.is_empty() {
        shape.push('?');
        shape.push_str(&keys.join("&"));
    }
    shape
}

/// How many distinct, not clearly furniture, URLs share each shape.
fn template_counts(links: &[(Url, usize, f64)]) -> HashMap<String, usize> {
    let mut seen: HashSet<&Url> = HashSet::new();
    let mut counts = HashMap::new();
    for (url, _, score) in links {
        if *score <= 0.0 || !seen.insert(url) {
            continue;
        }
        *counts.entry(template(url)).or_insert(0) += 1;
    }
    counts
}

fn has_id_or_date(url: &Url) -> bool {
    url.path_segments()
        .into_iter()
        .flatten()
        .any(|s| s.chars().filter(char::is_ascii_digit).count() >= 4)
        || url
            .query()
            .is_some_and(|q| q.chars().filter(char::is_ascii_digit).count() >= 3)
}

fn base_of(dom: &Dom, page_url: &Url) -> Url {
    dom.elements_named("base")
        .find_map(|b| dom.attr(b, "href"))
        .and_then(|h| page_url.join(h).ok())
        .unwrap_or_else(|| page_url.clone())
}

fn link_text(dom: &Dom, a: usize) -> String {
    let text = dom.text(a);
    if !text.is_empty() {
        return text;
    }
    let img_alt = (a..dom.end(a))
        .filter(|&j| dom.tag(j) == "img")
        .find_map(|j| dom.attr(j, "alt"))
        .map(str::trim)
        .filter(|t| !t.is_empty());
    // What a screen reader would announce for a link with no text of its own.
    let label = dom
        .attr(a, "aria-label")
        .map(str::trim)
        .filter(|t| !t.is_empty());
    label
        .or(img_alt)
        .or_else(|| dom.attr(a, "title"))
        .unwrap_or("")
        .to_string()
}

/// How much a URL looks like an article's.
fn url_score(url: &Url) -> f64 {
    let segments: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|p| !p.is_empty()).collect())
        .unwrap_or_default();
    let lower: Vec<String> = segments.iter().map(|s| s.to_ascii_lowercase()).collect();
    let index_segment = lower
        .iter()
        .any(|s| NOT_ARTICLE_SEGMENTS.contains(&s.as_str()));
    let query_paging = url.query_pairs().any(|(k, v)| {
        PAGING_PARAMS.contains(&k.to_ascii_lowercase().as_str())
            && v.chars().all(|c| c.is_ascii_digit())
    });
    if query_paging || is_date_archive(&lower) {
        return -3.0;
    }
    let last = lower.last().map(String::as_str).unwrap_or("");
    let ext = last.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    if matches!(
        ext,
        "jpg"
            | "jpeg"
            | "png"
            | "gif"
            | "webp"
            | "svg"
            | "pdf"
            | "zip"
            | "mp3"
            | "mp4"
            | "css"
            | "js"
            | "xml"
            | "rss"
    ) {
        return -5.0;
    }
    let stem = last.rsplit_once('.').map_or(last, |(s, _)| s);
    let slug_words = stem
        .split(['-', '_', '+'])
        .filter(|w| w.chars().count() > 1 && w.chars().any(char::is_alphabetic))
        .count();
    let has_number = segments
        .iter()
        .any(|s| s.chars().filter(char::is_ascii_digit).count() >= 4)
        || url.query_pairs().any(|(k, v)| {
            matches!(k.as_ref(), "id" | "p" | "story" | "article")
                && v.chars().all(|c| c.is_ascii_digit())
        });
    // A section word in the path (`/tag/`, `/author/`) decides, unless the page itself is
    // clearly an article below it (`/archive/2024/07/a-long-story-slug/`).
    if index_segment && (slug_words < 4 || !has_number) {
        return -3.0;
    }
    let mut score = 0.0;
    score += match slug_words {
        0 | 1 => 0.0,
        2 => 0.5,
        3 => 1.0,
        _ => 2.0,
    };
    if has_number {
        score += 1.0;
    }
    if matches!(ext, "html" | "htm" | "php" | "aspx" | "shtml") {
        score += 0.5;
    }
    if segments.len() >= 2 {
        score += 0.5;
    }
    score
}

/// `/2024/`, `/2024/07/`, `/archiv/2024/06/`: a date archive, not an article.
fn is_date_archive(segments: &[String]) -> bool {
    let numeric = |s: &String| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let Some(last) = segments.last() else {
        return false;
    };
    let year = |s: &String| numeric(s) && s.len() == 4 && s.starts_with(['1', '2']);
    numeric(last)
        && (year(last)
            || (last.len() <= 2 && segments.len() >= 2 && year(&segments[segments.len() - 2])))
}

/// How much anchor text reads like a headline.
fn text_score(text: &str) -> f64 {
    let words = headline_words(text);
    let chars = text.chars().filter(|c| !c.is_whitespace()).count();
    match (words, chars) {
        (0, _) => -0.5,
        (1, _) => -1.5,
        (w, c) if w >= 4 && c >= 16 => 2.0,
        (w, _) if w >= 3 => 0.5,
        _ => 0.0,
    }
}

/// Words of a headline: tokens with a letter or digit (not `&`, `»`, `→`); in scripts
/// written without spaces (Chinese, Japanese, Thai), about one word per two characters.
fn headline_words(text: &str) -> usize {
    let tokens = text
        .split_whitespace()
        .filter(|t| t.chars().any(char::is_alphanumeric))
        .count();
    let unspaced = text
        .chars()
        .filter(|&c| matches!(c as u32, 0x0E00..=0x0E7F | 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF))
        .count();
    tokens.max(unspaced / 2)
}

/// Penalty for links inside site furniture.
fn context_score(dom: &Dom, a: usize) -> f64 {
    let mut node = dom.parent(a);
    let mut depth = 0;
    while let Some(i) = node {
        let tag = dom.tag(i);
        if matches!(tag, "nav" | "footer" | "form") || dom.attr(i, "role") == Some("navigation") {
            return -3.0;
        }
        if tag == "header" && depth < 6 && !has_heading_ancestor_or_self(dom, i) {
            return -2.0;
        }
        let ci = dom.class_and_id(i);
        if ci
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| FURNITURE_WORDS.contains(&w))
        {
            return -2.0;
        }
        if matches!(tag, "body" | "main" | "article") {
            break;
        }
        node = dom.parent(i);
        depth += 1;
    }
    0.0
}

fn has_heading_ancestor_or_self(dom: &Dom, i: usize) -> bool {
    (i..dom.end(i)).any(|j| {
        budget::tick();
        matches!(dom.tag(j), "h1" | "h2" | "h3")
    })
}

/// A candidate with what its teaser box says: the headline, a summary, a date, an image.
fn candidate_from_links(dom: &Dom, base: &Url, url: Url, links: &[usize]) -> Candidate {
    let title = links
        .iter()
        .map(|&a| link_text(dom, a))
        .filter(|t| t.split_whitespace().count() >= 2)
        .max_by_key(|t| t.chars().count());
    let card = teaser_box(dom, base, links[0], &url);
    let summary = card.and_then(|c| {
        (c..dom.end(c))
            .filter(|&j| matches!(dom.tag(j), "p" | "div" | "span") && !inside_link(dom, j))
            .map(|j| dom.text(j))
            .filter(|t| t.split_whitespace().count() >= 6 && Some(t) != title.as_ref())
            .min_by_key(|t| t.chars().count())
    });
    let published = card.and_then(|c| date_in(dom, c));
    let image = card.and_then(|c| {
        (c..dom.end(c))
            .filter(|&j| dom.tag(j) == "img")
            .find_map(|j| dom.attr(j, "data-src").or_else(|| dom.attr(j, "src")))
            .and_then(|s| absolute(base, s))
    });
    Candidate {
        url: Some(url),
        title,
        published,
        summary,
        image,
        ..Candidate::default()
    }
}

fn inside_link(dom: &Dom, i: usize) -> bool {
    let mut p = Some(i);
    while let Some(n) = p {
        if dom.tag(n) == "a" {
            return true;
        }
        p = dom.parent(n);
    }
    false
}

/// The largest ancestor of a link that links to no other article: its teaser box.
fn teaser_box(dom: &Dom, base: &Url, a: usize, url: &Url) -> Option<usize> {
    let mut best = None;
    let mut node = dom.parent(a);
    while let Some(i) = node {
        if matches!(dom.tag(i), "body" | "html" | "main") {
            break;
        }
        let other_link = (i..dom.end(i)).any(|j| {
            budget::tick();
            dom.tag(j) == "a"
                && dom
                    .attr(j, "href")
                    .and_then(|h| absolute(base, h))
                    .is_some_and(|u| clean_link(&u) != *url)
        });
        if other_link {
            break;
        }
        best = Some(i);
        node = dom.parent(i);
    }
    best
}

fn date_in(dom: &Dom, i: usize) -> Option<DateTime<FixedOffset>> {
    let zone = dates::utc();
    for j in i..dom.end(i) {
        if dom.tag(j) == "time" {
            if let Some(d) = dom
                .attr(j, "datetime")
                .and_then(|d| dates::parse_machine(d, zone))
            {
                return Some(d);
            }
        }
    }
    let texts = (i..dom.end(i)).filter_map(|j| match dom.kind(j) {
        NodeKind::Text(t) if t.chars().any(|c| c.is_ascii_digit()) => Some(t),
        _ => None,
    });
    texts
        .into_iter()
        .find_map(|t| dates::parse_visible(t, zone, false))
}

/// Why selectors could not be used on a page.
#[derive(Debug, thiserror::Error)]
pub enum SelectError {
    #[error("selector {key} = {selector:?} is not valid CSS: {reason}")]
    Invalid {
        key: &'static str,
        selector: String,
        reason: String,
    },
    #[error("{url}: selector item = {selector:?} matched nothing on the page")]
    NoItems { url: Url, selector: String },
    #[error("{url}: selector link = {selector:?} matched no link in any item")]
    NoLinks { url: Url, selector: String },
}

/// A listing's selectors, parsed once when the config is read: a typo is found then, not
/// at 3 a.m., and no page parses them again.
#[derive(Debug, Clone)]
pub struct CompiledSelectors {
    /// As written, for messages.
    pub written: Selectors,
    item: Css,
    link: Option<Css>,
    title: Option<Css>,
    date: Option<Css>,
    summary: Option<Css>,
    image: Option<Css>,
}

/// Parses every selector of a `[feeds.select]` table.
pub fn compile(selectors: &Selectors) -> Result<CompiledSelectors, SelectError> {
    let optional =
        |key, s: &Option<String>| s.as_deref().map(|s| parse_selector(key, s)).transpose();
    Ok(CompiledSelectors {
        item: parse_selector("item", &selectors.item)?,
        link: optional("link", &selectors.link)?,
        title: optional("title", &selectors.title)?,
        date: optional("date", &selectors.date)?,
        summary: optional("summary", &selectors.summary)?,
        image: optional("image", &selectors.image)?,
        written: selectors.clone(),
    })
}

fn parse_selector(key: &'static str, s: &str) -> Result<Css, SelectError> {
    Css::parse(s).map_err(|e| SelectError::Invalid {
        key,
        selector: s.to_string(),
        reason: e.to_string(),
    })
}

/// The articles the user's selectors pick out of an index page.
pub fn select(
    html: &str,
    page_url: &Url,
    selectors: &CompiledSelectors,
) -> Result<Vec<Candidate>, SelectError> {
    let dom = Dom::parse(html);
    let CompiledSelectors {
        written,
        item,
        link,
        title,
        date,
        summary,
        image,
    } = selectors;
    let base = base_of(&dom, page_url);
    let items = item.select(&dom, None);
    if items.is_empty() {
        return Err(SelectError::NoItems {
            url: page_url.clone(),
            selector: written.item.clone(),
        });
    }
    let mut out: Vec<Candidate> = Vec::new();
    let mut seen: HashSet<Url> = HashSet::new();
    for el in items {
        if out.len() >= MAX_CANDIDATES {
            break;
        }
        budget::tick();
        let link_el = match link {
            Some(s) => s.first(&dom, el),
            None if dom.tag(el) == "a" => Some(el),
            None => {
                (el + 1..dom.end(el)).find(|&j| dom.tag(j) == "a" && dom.attr(j, "href").is_some())
            }
        };
        let url = link_el
            .and_then(|l| dom.attr(l, "href"))
            .and_then(|h| absolute(&base, h))
            .filter(|u| {
                u.scheme() == "file"
                    || (matches!(u.scheme(), "http" | "https") && same_site(u, page_url))
            })
            .map(|u| same_form_as(&clean_link(&u), page_url));
        let first = |s: &Option<Css>| s.as_ref().and_then(|s| s.first(&dom, el));
        let text_of = |s: &Option<Css>| {
            first(s)
                .map(|e| squash(&dom.text(e)))
                .filter(|t| !t.is_empty())
        };
        let published = first(date).and_then(|e| {
            let zone = dates::utc();
            dom.attr(e, "datetime")
                .or_else(|| dom.attr(e, "content"))
                .and_then(|d| dates::parse_machine(d, zone))
                .or_else(|| dates::parse_visible(&dom.text(e), zone, false))
        });
        let image_url = first(image).and_then(|e| {
            dom.attr(e, "data-src")
                .or_else(|| dom.attr(e, "src"))
                .or_else(|| dom.attr(e, "content"))
                .or_else(|| dom.attr(e, "href"))
        });
        let candidate = Candidate {
            title: text_of(title).or_else(|| {
                link_el
                    .map(|l| squash(&dom.text(l)))
                    .filter(|t| !t.is_empty())
            }),
            published,
            summary: text_of(summary),
            image: image_url.and_then(|s| absolute(&base, s)),
            url,
            ..Candidate::default()
        };
        if candidate
            .url
            .as_ref()
            .is_some_and(|u| seen.insert(u.clone()))
        {
            out.push(candidate);
        }
    }
    if out.is_empty() {
        return Err(SelectError::NoLinks {
            url: page_url.clone(),
            selector: written.link.clone().unwrap_or_else(|| "a[href]".into()),
        });
    }
    Ok(out)
}

fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(found: &[Candidate]) -> Vec<String> {
        found
            .iter()
            .map(|c| c.url.as_ref().unwrap().path().to_string())
            .collect()
    }

    const INDEX: &str = r#"<html><body>
        <header><nav><a href="/politik/">Politik</a><a href="/login">Masuk</a></nav></header>
        <main><div class="grid">
          <div class="card"><a href="/2024/07/harga-beras-naik-lagi-di-pasar.html"><img src="/i/1.jpg" alt=""></a>
            <h3><a href="/2024/07/harga-beras-naik-lagi-di-pasar.html?utm_source=home">Harga beras naik lagi di pasar tradisional</a></h3>
            <p>Pedagang mengeluhkan harga beras yang terus naik sejak awal bulan ini.</p><time datetime="2024-07-17T08:00:00+07:00">17 Juli</time></div>
          <div class="card"><h3><a href="/news/12345">Pemerintah umumkan kebijakan baru soal impor</a></h3></div>
          <div class="card"><h3><a href="https://other.example/some-long-story-here">Berita dari situs lain yang panjang</a></h3></div>
          <div class="card"><h3><a href="mailto:x@y.z">Kirim surat kepada redaksi kami</a></h3></div>
        </div>
        <div class="pagination"><a href="/page/2">2</a><a href="/?page=3">Berikutnya</a></div>
        <div class="tags"><a href="/tag/ekonomi">ekonomi</a></div></main>
        <footer><a href="/tentang-kami-dan-redaksi">Tentang kami dan redaksi</a></footer></body></html>"#;

    #[test]
    fn finds_articles_and_skips_furniture() {
        let page = Url::parse("https://www.kabar.example/").unwrap();
        let found = discover(INDEX, &page);
        assert_eq!(
            urls(&found),
            [
                "/2024/07/harga-beras-naik-lagi-di-pasar.html",
                "/news/12345"
            ]
        );
        let first = &found[0];
        assert_eq!(
            first.title.as_deref(),
            Some("Harga beras naik lagi di pasar tradisional")
        );
        assert!(first.summary.as_deref().unwrap().starts_with("Pedagang"));
        assert_eq!(
            first.published.unwrap().to_rfc3339(),
            "2024-07-17T08:00:00+07:00"
        );
        assert_eq!(
            first.image.as_ref().unwrap().as_str(),
            "https://www.kabar.example/i/1.jpg"
        );
    }

    #[test]
    fn a_page_of_190_000_links_yields_its_first_article_links_in_linear_time() {
        let links: String = (0..190_000)
            .map(|i| format!("<a href=/n/{i:06}>a b</a>"))
            .collect();
        let page = Url::parse("https://e.org/").unwrap();
        let started = std::time::Instant::now();
        let found = discover(&format!("<body>{links}</body>"), &page);
        eprintln!("190,000 links: {:.2}s", started.elapsed().as_secs_f64());
        assert_eq!(found.len(), MAX_CANDIDATES);
        assert_eq!(found[0].url.as_ref().unwrap().path(), "/n/000000");
        assert_eq!(found[999].url.as_ref().unwrap().path(), "/n/000999");
    }

    #[test]
    fn shapes_group_article_links() {
        let shape = |u: &str| template(&Url::parse(u).unwrap());
        assert_eq!(
            shape("https://e.org/news/articles/c9x2wq4lmd7o"),
            "/news/articles/#"
        );
        assert_eq!(
            shape("https://e.org/blog/2024/07/17/a-long-slug/"),
            "/blog/#/#/#/~"
        );
        assert_eq!(shape("https://e.org/spip.php?article4821"), "/spip.php?#");
        assert_eq!(headline_words("東京で記録的な猛暑、熱中症に警戒"), 7);
        assert_eq!(headline_words("Science & Environment"), 2);
    }

    #[test]
    fn paging_and_date_archives_are_not_articles() {
        let score = |u: &str| url_score(&Url::parse(u).unwrap());
        assert!(score("https://e.org/archiv/2024/07/?seite=2") < 0.0);
        assert!(score("https://e.org/2024/07/") < 0.0);
        assert!(score("https://e.org/news/2024/") < 0.0);
        assert!(
            score("https://e.org/?p=123") >= 0.0,
            "a WordPress post id is not paging"
        );
        assert!(score("https://e.org/2024/07/17/storm-hits-the-coast-overnight/") > 2.0);
    }

    #[test]
    fn selectors_pick_items_and_say_when_they_match_nothing() {
        let page = Url::parse("https://www.kabar.example/").unwrap();
        let sel = Selectors {
            item: "div.card".into(),
            title: Some("h3".into()),
            summary: Some("p".into()),
            date: Some("time".into()),
            ..Selectors::default()
        };
        let found = select(INDEX, &page, &compile(&sel).unwrap()).unwrap();
        assert_eq!(found.len(), 2, "other sites and mailto: are never followed");
        assert_eq!(
            found[0].title.as_deref(),
            Some("Harga beras naik lagi di pasar tradisional")
        );
        assert_eq!(
            found[0].url.as_ref().unwrap().as_str(),
            "https://www.kabar.example/2024/07/harga-beras-naik-lagi-di-pasar.html"
        );
        let none = Selectors {
            item: "li.story".into(),
            ..Selectors::default()
        };
        assert!(select(INDEX, &page, &compile(&none).unwrap())
            .unwrap_err()
            .to_string()
            .contains("li.story"));
        let bad = Selectors {
            item: "div[".into(),
            ..Selectors::default()
        };
        assert!(compile(&bad).is_err());
    }
}
