//! Turning a page into an [`Article`]: metadata from what the page declares, the body from
//! content scoring, then visible-page fallbacks for whatever was not declared.
//!
//! Extraction is pure: it takes the HTML and the URL it came from and does no I/O, so it is
//! deterministic, testable and benchmarkable on pages already in memory.

pub mod budget;
pub mod content;
pub mod dates;
pub mod dom;
pub mod metadata;
pub mod nesting;
pub mod render;

use chrono::{DateTime, FixedOffset, Utc};
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
/// relative dates such as "3 hours ago" count from).
pub fn extract(html: &str, url: &Url, fetched_at: DateTime<Utc>) -> Result<Article, ExtractError> {
    let dom = Dom::parse(html);
    let declared = metadata::read(&dom);
    let base = link_base(&declared, url);
    // Between the passes, a page over its time budget stops (see `budget`).
    budget::check();

    let title = choose_title(&dom, &declared);
    let analysis = content::analyse(&dom);
    budget::check();
    let roots = content::select_body(&dom, &analysis);
    budget::check();
    let body = roots
        .as_ref()
        .map(|roots| {
            render::render(
                &dom,
                &analysis,
                roots,
                &base,
                title.as_deref().unwrap_or(""),
            )
        })
        .unwrap_or_default();
    budget::check();
    let text = body.text();
    let description = declared
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty());
    if text.chars().count() < MIN_ARTICLE_CHARS && (title.is_none() || description.is_none()) {
        return Err(ExtractError::NoArticle { url: url.clone() });
    }

    let language = choose_language(
        declared.language.as_deref(),
        title.as_deref().unwrap_or(""),
        &text,
    );
    let host = base.host_str().or(url.host_str());
    let zone = dates::page_zone(language.as_deref(), host);
    let month_first = dates::month_first(language.as_deref(), host);
    let headline = headline_index(&dom, title.as_deref());
    let seen = visible_dates(&dom, headline, zone, month_first, fetched_at);
    // A declared machine date in UTC is rewritten in the page's offset (a date without a
    // time is local midnight and stays as it is); a declared date that is only text
    // ("November 19, 2019") gives way to the visible line of the same day, which has the time.
    let declared_date = |value: Option<&str>, seen: Option<DateTime<FixedOffset>>| {
        let value = value?;
        if let Some(d) = dates::parse_machine(value, zone) {
            return Some(if value.contains(':') {
                localize(&dom, d, zone)
            } else {
                d
            });
        }
        let d = dates::parse_visible(value, zone, month_first)?;
        Some(
            seen.filter(|s| s.date_naive() == d.date_naive())
                .unwrap_or(d),
        )
    };
    let published = declared_date(declared.published.as_deref(), seen.published)
        .or(seen.published)
        .filter(plausible_date);
    let updated = declared_date(declared.updated.as_deref(), seen.updated)
        .or(seen.updated)
        .filter(plausible_date);
    let authors = choose_authors(&dom, &declared, headline, roots.as_deref(), &body);
    let image = declared
        .image
        .as_deref()
        .and_then(|i| render::absolute(&base, i))
        .filter(|u| u.scheme() != "mailto")
        .or_else(|| body.first_image.clone())
        .or_else(|| lead_image(&dom, headline, roots.as_deref(), &base));

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

/// The writers: declared ones, unless they only stand in for a writer (the publication's
/// own name, a bare job title such as "Biên tập viên"), in which case a byline near the
/// headline or a signature at the end of the text names them, if the page has one.
fn choose_authors(
    dom: &Dom,
    declared: &Declared,
    headline: Option<usize>,
    roots: Option<&[usize]>,
    body: &Body,
) -> Vec<String> {
    let mut authors = declared.authors.clone();
    // A job title beside the writers' names ("Kontributor Semarang, Ardianto Wibisono").
    if authors.iter().any(|a| !metadata::names_a_job(a)) {
        authors.retain(|a| !metadata::names_a_job(a));
    }
    let site = declared.site_name.as_deref().map(str::trim);
    let stand_in = |a: &String| {
        site.is_some_and(|s| a.trim().eq_ignore_ascii_case(s)) || metadata::is_job_title(a)
    };
    if !authors.iter().all(stand_in) {
        return authors;
    }
    let mut found = headline
        .map(|h| metadata::byline_near(dom, h))
        .unwrap_or_default();
    if found.is_empty() {
        found = trailing_byline(dom, roots.unwrap_or(&[]), body);
    }
    if found.is_empty() {
        authors
    } else {
        found
    }
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
    let (home_h1s, h1s): (Vec<usize>, Vec<usize>) = dom
        .elements_named("h1")
        .take(5)
        .partition(|&h| links_home(dom, h));
    let h1s: Vec<String> = h1s
        .into_iter()
        .map(|h| dom.text(h))
        .filter(|t| !t.is_empty())
        .collect();
    if let Some(t) = declared.title.as_deref().filter(|t| !t.trim().is_empty()) {
        return Some(strip_site_name(t, site, &h1s));
    }
    if let Some(html_title) = declared.html_title.as_deref() {
        let html_lower = html_title.to_lowercase();
        // A headline the theme marks as the post's own (Blogger's `h3.post-title`, schema.org
        // `headline`) beats any `<h1>`, which on many blogs is the blog's name.
        let marked = (0..dom.len())
            .filter(|&i| is_marked_headline(dom, i))
            .map(|i| dom.text(i))
            .find(|t| !t.is_empty() && html_lower.contains(&t.to_lowercase()));
        if let Some(t) = marked {
            return Some(t);
        }
        if let Some(h1) = h1s.iter().find(|h| html_lower.contains(&h.to_lowercase())) {
            return Some(h1.clone());
        }
        // "Blog Name: Post title" where the blog's name is the `<h1>` linking home.
        for h in &home_h1s {
            let name = dom.text(*h).to_lowercase();
            if !name.is_empty() && html_lower.starts_with(&name) {
                let rest = html_title
                    .get(name.len()..)
                    .unwrap_or("")
                    .trim_start_matches(|c: char| {
                        c.is_whitespace() || matches!(c, ':' | '|' | '-' | '–' | '—' | '·' | '»')
                    })
                    .trim();
                if !rest.is_empty() {
                    return Some(rest.to_string());
                }
            }
        }
        let stripped = strip_site_name(html_title, site, &h1s);
        if !stripped.is_empty() {
            return Some(stripped);
        }
    }
    h1s.into_iter().next()
}

const TITLE_SEPARATORS: [&str; 9] = [
    " - ", " | ", " – ", " — ", " · ", " :: ", " » ", " / ", "｜",
];

/// An `<h1>` whose link goes to the site's front page names the site, not the article.
fn links_home(dom: &Dom, h: usize) -> bool {
    (h + 1..dom.end(h))
        .filter(|&i| dom.tag(i) == "a")
        .filter_map(|i| dom.attr(i, "href"))
        .any(|href| {
            let href = href.trim();
            matches!(href, "/" | "./" | "")
                || Url::parse(href)
                    .is_ok_and(|u| u.path() == "/" && u.query().is_none() && u.host().is_some())
        })
}

/// Elements a theme marks as the post's headline.
fn is_marked_headline(dom: &Dom, i: usize) -> bool {
    if !matches!(dom.tag(i), "h1" | "h2" | "h3" | "h4" | "div" | "span") {
        return false;
    }
    dom.attr(i, "itemprop") == Some("headline")
        || dom.classes(i).any(|c| {
            matches!(
                c.to_ascii_lowercase().as_str(),
                "entry-title" | "post-title" | "article-title"
            )
        })
}

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

/// The element that holds the headline: an `<h1>` (or a marked `<h2>`/`<h3>`) whose text is
/// the title, else the first `<h1>` that does not just link home.
fn headline_index(dom: &Dom, title: Option<&str>) -> Option<usize> {
    let same = |i: usize| title.is_some_and(|t| dom.text(i).eq_ignore_ascii_case(t.trim()));
    dom.elements_named("h1")
        .find(|&h| same(h))
        .or_else(|| (0..dom.len()).find(|&i| matches!(dom.tag(i), "h2" | "h3") && same(i)))
        .or_else(|| dom.elements_named("h1").find(|&h| !links_home(dom, h)))
}

/// How far after the headline the byline and dates are looked for, in nodes.
const META_WINDOW: usize = 400;

/// The elements around the headline that may hold its byline or dates: from the start of
/// the headline's container (dates above the headline, as VnExpress prints them, but not a
/// top bar's "today") to [`META_WINDOW`] nodes after it, nearest first, skipping related
/// lists, comments and sidebars.
pub(crate) fn around_headline(dom: &Dom, headline: usize) -> Vec<usize> {
    let before_from = dom
        .parent(headline)
        .filter(|&p| !matches!(dom.tag(p), "body" | "html" | ""))
        .map_or(headline, |p| p + 1);
    let after_to = dom.len().min(headline + META_WINDOW);
    let mut side = SideMatter::new(dom);
    let mut out: Vec<usize> = (before_from..after_to)
        .filter(|&i| dom.is_element(i) && !side.contains(i))
        .collect();
    out.sort_by_key(|&i| i.abs_diff(headline));
    out
}

/// Which nodes sit inside a related list, a comment thread, a sidebar or page chrome. Each
/// element's own verdict is worked out once, since neighbouring nodes share most of their
/// ancestors.
struct SideMatter<'d> {
    dom: &'d Dom,
    /// Per node: 0 not yet judged, 1 not side matter itself, 2 side matter.
    own: Vec<u8>,
}

impl<'d> SideMatter<'d> {
    fn new(dom: &'d Dom) -> Self {
        Self {
            dom,
            own: vec![0; dom.len()],
        }
    }

    fn contains(&mut self, i: usize) -> bool {
        let mut at = Some(i);
        for _ in 0..10 {
            let Some(n) = at else { break };
            let dom = self.dom;
            if self.own[n] == 0 {
                self.own[n] = 1 + u8::from(is_side_matter(dom, n));
            }
            if self.own[n] == 2 {
                return true;
            }
            at = dom.parent(n);
        }
        false
    }
}

/// This element itself is a related list, a comment thread, a sidebar or page chrome.
fn is_side_matter(dom: &Dom, n: usize) -> bool {
    const WORDS: [&str; 16] = [
        "related",
        "terkait",
        "relacionad",
        "correlat",
        "comment",
        "komentar",
        "sidebar",
        "widget",
        "trending",
        "popular",
        "populer",
        "recommend",
        "lien-quan",
        "neueste",
        "stories",
        "latest",
    ];
    match dom.tag(n) {
        "aside" | "nav" | "footer" => true,
        // The article's own container is never side matter, whatever its WordPress
        // taxonomy classes say ("category-top-stories", "tag-trending").
        "article" | "main" | "body" => false,
        _ => dom
            .class_and_id(n)
            .split_whitespace()
            .filter(|t| !t.starts_with("category-") && !t.starts_with("tag-"))
            .any(|t| WORDS.iter().any(|w| t.contains(w))),
    }
}

/// Words that introduce the time of an update, in the languages we read.
const UPDATE_WORDS: [&str; 16] = [
    "updated",
    "update",
    "last modified",
    "diperbarui",
    "cập nhật",
    "mis à jour",
    "mise à jour",
    "actualizado",
    "atualizado",
    "aggiornato",
    "modifica",
    "bijgewerkt",
    "aktualisiert",
    "geändert",
    "更新",
    "อัปเดต",
];

/// Splits a date line at its update word: ("Published 5:12 AM", "7:05 AM").
fn split_update(text: &str) -> (&str, Option<&str>) {
    let lower = text.to_lowercase();
    if lower.len() != text.len() {
        // Case mapping changed byte offsets; search the original with ASCII folding only.
        let hit = UPDATE_WORDS
            .iter()
            .filter_map(|w| find_ascii_ci(text, w).map(|p| (p, w.len())))
            .min();
        return match hit {
            Some((p, len)) => (&text[..p], Some(&text[p + len..])),
            None => (text, None),
        };
    }
    let hit = UPDATE_WORDS
        .iter()
        .filter_map(|w| lower.find(w).map(|p| (p, w.len())))
        .min();
    match hit {
        Some((p, len)) => (&text[..p], Some(&text[p + len..])),
        None => (text, None),
    }
}

fn find_ascii_ci(text: &str, word: &str) -> Option<usize> {
    text.char_indices().map(|(i, _)| i).find(|&i| {
        text.get(i..i + word.len())
            .is_some_and(|s| s.to_lowercase() == word)
    })
}

#[derive(Debug, Default, PartialEq)]
struct SeenDates {
    published: Option<DateTime<FixedOffset>>,
    updated: Option<DateTime<FixedOffset>>,
}

/// The dates printed near the headline. A line is split at its update word ("Updated",
/// "Diperbarui", "Cập nhật", "Mis à jour"…) so that the update is not taken for the
/// publication; an element whose class says update holds only the update.
fn visible_dates(
    dom: &Dom,
    headline: Option<usize>,
    zone: dates::Zone,
    month_first: bool,
    fetched_at: DateTime<Utc>,
) -> SeenDates {
    let mut seen = SeenDates::default();
    let Some(start) = headline.or_else(|| dom.elements_named("body").next()) else {
        return seen;
    };
    let mut candidates: Vec<(usize, String)> = Vec::new();
    for i in around_headline(dom, start) {
        if matches!(dom.tag(i), "script" | "style" | "a" | "h1") || dom.end(i) - i > 12 {
            continue;
        }
        let text = dom.text(i);
        if text.len() <= 160 && text.chars().any(|c| c.is_ascii_digit()) {
            candidates.push((i, text));
        }
    }
    let dateish = |i: usize| {
        let ci = dom.class_and_id(i);
        [
            "date", "time", "publish", "posted", "datum", "fecha", "data", "waktu", "tanggal",
        ]
        .iter()
        .any(|w| ci.contains(w))
            || dom.tag(i) == "time"
    };
    let update_class = |i: usize| {
        let ci = dom.class_and_id(i);
        [
            "updat",
            "modif",
            "bijgewerkt",
            "capnhat",
            "actualiz",
            "atualiz",
            "aggiorn",
        ]
        .iter()
        .any(|w| ci.contains(w))
    };
    // Elements whose class says date come first, unless a plain one is much nearer.
    let mut ordered: Vec<&(usize, String)> = candidates.iter().collect();
    ordered.sort_by_key(|(i, _)| i.abs_diff(start) + if dateish(*i) { 0 } else { 40 });
    let read = |text: &str| {
        dates::parse_visible(text, zone, month_first)
            .or_else(|| dates::parse_relative(text, fetched_at, zone))
    };
    for (i, text) in ordered {
        let (published_part, updated_part) = split_update(text);
        let whole_is_update =
            updated_part.is_none() && update_class(*i) && !text.to_lowercase().contains("publi");
        let attr = dom
            .attr(*i, "datetime")
            .and_then(|d| dates::parse_machine(d, zone));
        if whole_is_update || (updated_part.is_some() && update_class(*i)) {
            if seen.updated.is_none() {
                seen.updated = attr.or_else(|| read(updated_part.unwrap_or(text)));
            }
            if !whole_is_update && seen.published.is_none() {
                seen.published = read(published_part);
            }
        } else {
            if seen.published.is_none() {
                seen.published = attr.or_else(|| read(published_part));
            }
            if seen.updated.is_none() {
                seen.updated = updated_part.and_then(read);
            }
        }
        if seen.published.is_some() && seen.updated.is_some() {
            break;
        }
    }
    seen
}

/// A declared time in UTC (Yoast, Guardian- and G1-like sites) written the way the page
/// itself writes it: with the offset of a `<time datetime>` for the same instant, else of
/// any `<time>` on the page, else of the zone the site is in.
fn localize(dom: &Dom, d: DateTime<FixedOffset>, zone: dates::Zone) -> DateTime<FixedOffset> {
    if d.offset().local_minus_utc() != 0 {
        return d;
    }
    let mut site_offset = None;
    for i in 0..dom.len() {
        let Some(value) = dom.attr(i, "datetime") else {
            continue;
        };
        let Some(t) = dates::parse_machine(value, dates::utc()) else {
            continue;
        };
        if t.offset().local_minus_utc() == 0 {
            continue;
        }
        if t == d {
            return t;
        }
        site_offset.get_or_insert(*t.offset());
    }
    if let Some(offset) = site_offset {
        return d.with_timezone(&offset);
    }
    zone.at(&d)
}

/// The page's language: what it declares, unless it declares nothing or a CMS's English
/// default (`lang="en-US"` on an Indonesian blog) while its text is clearly in another
/// language.
fn choose_language(declared: Option<&str>, title: &str, text: &str) -> Option<String> {
    let declared = declared.and_then(normalize_language);
    let sample = format!("{title}\n{text}");
    match declared {
        None => detect_language(&sample, false).map(str::to_string),
        Some(tag) if tag == "en" || tag.starts_with("en-") => {
            match detect_language(&sample, true) {
                Some(detected) if detected != "en" => Some(detected.to_string()),
                _ => Some(tag),
            }
        }
        Some(tag) => Some(tag),
    }
}

/// Common short words of the languages whose scripts are shared (Latin).
const STOPWORDS: [(&str, &[&str]); 11] = [
    (
        "en",
        &[
            "in", "a", "the", "and", "of", "to", "is", "that", "for", "with", "was", "are", "this",
            "have", "from", "they", "has", "said", "were", "will", "their", "which", "been",
            "would",
        ],
    ),
    (
        "id",
        &[
            "yang", "dan", "di", "ini", "itu", "dengan", "untuk", "tidak", "dari", "dalam", "akan",
            "pada", "juga", "ke", "karena", "ada", "oleh", "saya", "sudah", "bisa", "atau", "kata",
            "mereka", "telah", "para", "lebih",
        ],
    ),
    (
        "vi",
        &[
            "của", "và", "các", "là", "được", "trong", "có", "cho", "những", "với", "này", "người",
            "không", "một", "đã", "theo", "từ", "khi", "đến", "cũng", "năm", "tại",
        ],
    ),
    (
        "de",
        &[
            "der", "die", "und", "das", "ist", "nicht", "den", "mit", "sich", "des", "auf", "für",
            "ein", "eine", "dem", "auch", "im", "wird", "sind", "nach", "bei", "werden", "über",
            "zum", "zur",
        ],
    ),
    (
        "fr",
        &[
            "de", "la", "en", "a", "le", "les", "et", "des", "est", "une", "du", "que", "pour",
            "dans", "qui", "pas", "sur", "au", "il", "ce", "avec", "sont", "plus", "aux", "été",
            "elle", "ont",
        ],
    ),
    (
        "es",
        &[
            "de", "la", "en", "a", "el", "los", "las", "y", "que", "del", "se", "por", "un", "una",
            "con", "para", "es", "al", "lo", "como", "más", "su", "fue", "han", "sus", "pero",
            "este", "ha",
        ],
    ),
    (
        "pt",
        &[
            "de", "a", "o", "os", "e", "que", "do", "da", "em", "um", "uma", "para", "com", "não",
            "no", "na", "dos", "das", "por", "mais", "ao", "foi", "pelo", "pela", "também", "são",
            "é",
        ],
    ),
    (
        "it",
        &[
            "la", "a", "in", "e", "il", "di", "che", "è", "del", "della", "per", "un", "una",
            "non", "con", "sono", "dei", "nel", "alla", "anche", "più", "gli", "da", "al", "ha",
            "delle", "nella",
        ],
    ),
    (
        "nl",
        &[
            "in", "de", "het", "een", "en", "van", "is", "dat", "op", "te", "voor", "met", "niet",
            "zijn", "aan", "er", "ook", "als", "bij", "door", "wordt", "naar", "om", "maar", "nog",
        ],
    ),
    (
        "pl",
        &[
            "i", "w", "na", "z", "się", "nie", "do", "że", "jest", "jak", "po", "ale", "od", "za",
            "przez", "dla", "są", "jego", "oraz", "już", "było", "które", "który", "także", "może",
            "tym", "czy",
        ],
    ),
    (
        "tr",
        &[
            "ve", "bir", "bu", "için", "ile", "olarak", "çok", "daha", "gibi", "ama", "olan",
            "değil", "sonra", "kadar", "ise", "her", "göre", "ancak", "veya", "şu",
        ],
    ),
];

/// The language `text` is written in, when it is clear: by script for Thai, Japanese,
/// Korean and Chinese, else by counting common words. `strict` asks for a wider margin
/// (used to overrule a declared language).
fn detect_language(text: &str, strict: bool) -> Option<&'static str> {
    let (mut letters, mut thai, mut kana, mut hangul, mut han) = (0usize, 0, 0, 0, 0);
    for c in text.chars().take(20_000).filter(|c| c.is_alphabetic()) {
        letters += 1;
        match c as u32 {
            0x0E00..=0x0E7F => thai += 1,
            0x3040..=0x30FF => kana += 1,
            0xAC00..=0xD7AF | 0x1100..=0x11FF => hangul += 1,
            0x4E00..=0x9FFF => han += 1,
            _ => {}
        }
    }
    if letters < 20 {
        return None;
    }
    if thai * 3 > letters {
        return Some("th");
    }
    if kana * 20 > letters && (kana + han) * 2 > letters {
        return Some("ja");
    }
    if hangul * 3 > letters {
        return Some("ko");
    }
    if han * 2 > letters {
        return Some("zh");
    }
    // A word common to several languages ("de", "en", "que") counts for each of them only
    // in part, so distinctive words decide.
    let mut scores = [0f64; STOPWORDS.len()];
    let words = text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .take(3000);
    let longest = STOPWORDS
        .iter()
        .flat_map(|(_, list)| list.iter().map(|w| w.len()))
        .max()
        .unwrap_or(0);
    let mut lower = String::new();
    for word in words.filter(|w| w.len() <= longest) {
        lower.clear();
        lower.extend(word.chars().flat_map(char::to_lowercase));
        let mut hits = [false; STOPWORDS.len()];
        for (hit, (_, list)) in hits.iter_mut().zip(STOPWORDS.iter()) {
            *hit = list.contains(&lower.as_str());
        }
        let count = hits.iter().filter(|&&h| h).count();
        for (score, _) in scores.iter_mut().zip(hits).filter(|(_, h)| *h) {
            *score += 1.0 / count as f64;
        }
    }
    let mut ranked: Vec<(f64, &str)> = scores
        .iter()
        .zip(STOPWORDS.iter())
        .map(|(s, (lang, _))| (*s, *lang))
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (best, lang) = ranked[0];
    let second = ranked[1].0;
    let (min_hits, factor) = if strict { (12.0, 3.0) } else { (5.0, 2.0) };
    (best >= min_hits && best >= second * factor).then_some(lang)
}

/// Labels that introduce the writer's name in a closing credit line ("Pewarta: X").
const CREDIT_LABELS: [&str; 10] = [
    "pewarta",
    "penulis",
    "wartawan",
    "reporter",
    "reporting by",
    "written by",
    "text",
    "texto",
    "autor",
    "author",
];

/// The author's signature at the end of the body, a convention of Vietnamese, Indonesian
/// and many local news sites: an upper-case name alone ("KHANH MINH"), a short bold or
/// right-aligned name as the last paragraph, or a labelled credit line ("Pewarta: X",
/// "Reporter: X"; "Editor: Y" is not the author).
fn trailing_byline(dom: &Dom, roots: &[usize], body: &Body) -> Vec<String> {
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
        if let Some(names) = credit_line(block) {
            return names;
        }
    }
    let mut paragraphs = roots
        .iter()
        .flat_map(|&r| r..dom.end(r))
        .filter(|&i| dom.tag(i) == "p");
    let mut last = Vec::new();
    while let Some(p) = paragraphs.next_back() {
        if !dom.text(p).is_empty() {
            last.push(p);
        }
        if last.len() == 2 {
            break;
        }
    }
    for p in last {
        let text = dom.text(p);
        if !metadata::is_person_name(&text) {
            continue;
        }
        let style = dom
            .attr(p, "style")
            .unwrap_or("")
            .to_ascii_lowercase()
            .replace(' ', "");
        let right = style.contains("text-align:right")
            || dom
                .attr(p, "align")
                .is_some_and(|a| a.eq_ignore_ascii_case("right"));
        let bold = (p + 1..dom.end(p))
            .any(|i| matches!(dom.tag(i), "strong" | "b") && dom.text(i) == text);
        if right || bold {
            return metadata::split_authors(&text);
        }
    }
    Vec::new()
}

/// The names on a credit line such as "Pewarta: Ricky Prayoga\nEditor: Budi Suyanto".
fn credit_line(block: &str) -> Option<Vec<String>> {
    for line in block.lines() {
        let line = line.trim();
        let lower = line.to_lowercase();
        let Some(label) = CREDIT_LABELS.iter().find(|l| {
            lower.starts_with(*l) && lower[l.len()..].trim_start().starts_with([':', '：'])
        }) else {
            continue;
        };
        let rest = line[label.len()..]
            .trim_start()
            .trim_start_matches([':', '：'])
            .trim();
        // Up to the next label ("… Editor: …") or the end of the line.
        let mut taken = Vec::new();
        for word in rest.split_whitespace() {
            if word.ends_with([':', '：']) || word == "©" || taken.len() == 6 {
                break;
            }
            taken.push(word);
        }
        let name = taken.join(" ");
        let names = metadata::split_authors(&name);
        if !names.is_empty() && names.iter().all(|n| metadata::is_person_name(n)) {
            return Some(names);
        }
    }
    None
}

/// The first real image between the headline and the body, when the page declares none
/// and the body starts below its lead figure.
fn lead_image(
    dom: &Dom,
    headline: Option<usize>,
    roots: Option<&[usize]>,
    base: &Url,
) -> Option<Url> {
    let from = headline?;
    let to = roots
        .and_then(|r| r.first().copied())
        .unwrap_or(from + META_WINDOW);
    let mut side = SideMatter::new(dom);
    (from..to.min(dom.len()))
        .filter(|&i| dom.tag(i) == "img" && !side.contains(i))
        .filter(|&i| {
            // Avatars and icons are not lead images.
            ["width", "height"]
                .iter()
                .filter_map(|a| dom.attr(i, a)?.trim().parse::<u32>().ok())
                .all(|px| px >= 120)
        })
        .find_map(|i| {
            let src = ["data-src", "data-lazy-src", "data-original", "src"]
                .iter()
                .filter_map(|a| dom.attr(i, a))
                .map(str::trim)
                .find(|s| !s.is_empty() && !s.starts_with("data:"))?;
            let lower = src.to_ascii_lowercase();
            if lower.contains(".svg") || lower.contains("icon") || lower.contains("logo") {
                return None;
            }
            render::absolute(base, src).filter(|u| u.scheme() != "mailto")
        })
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

/// Dates a page can mean: a typo or a mangled page gives years like 20240 or 0007, which no
/// feed format can carry (RFC 822 wants four digits) and no reader would believe.
pub fn plausible_date(date: &DateTime<FixedOffset>) -> bool {
    (1800..=2200).contains(&chrono::Datelike::year(date))
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
    fn impossible_years_are_no_date() {
        let html = "<html><head><meta property='article:published_time' content='20240-07-17T10:00:00Z'>\
            </head><body><article><p>Enough text in this paragraph to be the body of the article, with commas.</p>\
            </article></body></html>";
        let a = extract(html, &Url::parse("https://e.org/a").unwrap(), Utc::now()).unwrap();
        assert!(a.published.is_none_or(|d| plausible_date(&d)));
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

    fn at_fetch() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2024-07-17T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn page(body: &str) -> String {
        format!(
            "<html><head><title>Headline here</title></head><body><div class=wrap>{body}\
             <div class=content><p>{}</p><p>{}</p></div></div></body></html>",
            "A paragraph of the article body, long enough to be chosen, with commas, and more words. ".repeat(3),
            "Another paragraph of the same article body, also long enough, with commas, and words. ".repeat(3),
        )
    }

    fn article(body: &str, at: &str) -> Article {
        extract(&page(body), &Url::parse(at).unwrap(), at_fetch()).unwrap()
    }

    #[test]
    fn update_lines_are_not_the_publication_date() {
        let a = article(
            "<h1>Headline here</h1><p class=dates>Publié le 17 juillet 2024 à 10h15 · Mis à jour le 17 juillet 2024 à 12h05</p>",
            "https://journal.example.fr/a",
        );
        assert_eq!(
            a.published.unwrap().to_rfc3339(),
            "2024-07-17T10:15:00+02:00"
        );
        assert_eq!(a.updated.unwrap().to_rfc3339(), "2024-07-17T12:05:00+02:00");
        let a = article(
            "<h1>Headline here</h1><div class=read__date><span>2 jam lalu</span> <span>Diperbarui 30 menit lalu</span></div>",
            "https://portal.example.id/a",
        );
        assert_eq!(
            a.published.unwrap().to_rfc3339(),
            "2024-07-17T17:00:00+07:00"
        );
        assert_eq!(a.updated.unwrap().to_rfc3339(), "2024-07-17T18:30:00+07:00");
    }

    #[test]
    fn dates_above_the_headline_count_but_not_related_lists() {
        let a = article(
            "<span class=date>Thứ tư, 17/7/2024, 10:15 (GMT+7)</span><h1>Headline here</h1>\
             <section class=more-stories><a href=/x>Other</a><span class=time>1 day ago</span></section>",
            "https://bao.example.vn/a",
        );
        assert_eq!(
            a.published.unwrap().to_rfc3339(),
            "2024-07-17T10:15:00+07:00"
        );
        let a = article(
            "<h1>Headline here</h1><span class=meta>3 hours ago</span>\
             <section class=more-stories><a href=/x>Other</a><span class=time>1 day ago</span></section>",
            "https://tech.example.net/a",
        );
        assert_eq!(
            a.published.unwrap().to_rfc3339(),
            "2024-07-17T09:00:00+00:00"
        );
    }

    #[test]
    fn declared_dates_keep_their_day_and_gain_the_visible_time() {
        let html = "<html><head><meta property='article:published_time' content='2014-09-15'>\
            <script type='application/ld+json'>{\"@type\":\"Article\",\"headline\":\"Headline here\",\
            \"dateModified\":\"November 19, 2019\"}</script></head><body>\
            <h1>Headline here</h1><p class=meta>Updated November 19, 2019, 6:21 AM EST</p>\
            <time datetime='2019-11-19T06:34:04-05:00'>comment</time>";
        let a = extract(
            &page_with_head(html),
            &Url::parse("https://e.example.com/a").unwrap(),
            at_fetch(),
        )
        .unwrap();
        assert_eq!(
            a.published.unwrap().to_rfc3339(),
            "2014-09-15T00:00:00+00:00"
        );
        assert_eq!(a.updated.unwrap().to_rfc3339(), "2019-11-19T06:21:00-05:00");
    }

    fn page_with_head(start: &str) -> String {
        format!(
            "{start}<div class=content><p>{}</p><p>{}</p></div></body></html>",
            "A paragraph of the article body, long enough to be chosen, with commas, and more words. ".repeat(3),
            "Another paragraph of the same article body, also long enough, with commas, and words. ".repeat(3),
        )
    }

    #[test]
    fn taxonomy_classes_do_not_make_the_article_side_matter() {
        let html = "<html><body><article class='post category-top-stories'><h1>Headline here</h1>\
            <div class=entry-meta><span class='entry-date published'>November 19, 2019, 6:21 AM EST</span></div>\
            <section class=related-stories><span class=date>November 18, 2019</span></section></article>";
        let dom = Dom::parse(html);
        let h = dom.elements_named("h1").next();
        let seen = visible_dates(&dom, h, dates::Zone::utc(), true, at_fetch());
        assert_eq!(
            seen.published.unwrap().to_rfc3339(),
            "2019-11-19T06:21:00-05:00"
        );
        let related = dom.elements_named("section").next().unwrap();
        assert!(SideMatter::new(&dom).contains(related + 1));
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

    #[test]
    fn declared_utc_is_written_in_the_page_offset() {
        let html = "<time datetime='2024-07-16T10:05:00-04:00'>July 16</time>";
        let dom = Dom::parse(html);
        let utc = DateTime::parse_from_rfc3339("2024-07-16T14:05:00Z").unwrap();
        assert_eq!(
            localize(&dom, utc, dates::Zone::utc()).to_rfc3339(),
            "2024-07-16T10:05:00-04:00"
        );
        let dom = Dom::parse("<p>no times</p>");
        assert_eq!(
            localize(&dom, utc, dates::Zone::Europe(1)).to_rfc3339(),
            "2024-07-16T16:05:00+02:00"
        );
        // Offsets the declaration gives are kept.
        let own = DateTime::parse_from_rfc3339("2024-07-16T10:05:00+07:00").unwrap();
        assert_eq!(localize(&dom, own, dates::Zone::Europe(1)), own);
    }

    #[test]
    fn language_from_text_when_undeclared_or_an_english_default() {
        let id = "Banjir bandang menerjang tiga desa di Garut dan ratusan warga mengungsi ke masjid. \
                  Petugas dari BPBD yang datang ke lokasi juga membersihkan lumpur dengan alat berat, \
                  karena jalan desa tidak bisa dilalui. Warga berharap bantuan akan datang untuk mereka.";
        assert_eq!(choose_language(None, "", id).as_deref(), Some("id"));
        assert_eq!(
            choose_language(Some("en-US"), "", &id.repeat(2)).as_deref(),
            Some("id")
        );
        assert_eq!(
            choose_language(Some("pt-BR"), "", id).as_deref(),
            Some("pt-br")
        );
        let es = "La falta de lluvias de la primavera ya se nota en los campos de la Vega. \
                  La comunidad de regantes ha acordado reducir los turnos de riego para los cultivos, \
                  una medida que afectará a más de tres mil agricultores del municipio.";
        assert_eq!(detect_language(es, false), Some("es"));
        assert_eq!(
            detect_language("ฝนตกหนักทั่วกรุงเทพฯ น้ำท่วมขังหลายจุด การจราจรติดขัด", false),
            Some("th")
        );
        assert_eq!(
            detect_language(
                "東京都、猛暑で熱中症警戒アラートを発表 今年最多の地点で35度超",
                false
            ),
            Some("ja")
        );
        assert_eq!(detect_language("Short.", false), None);
    }

    #[test]
    fn signatures_at_the_end_of_the_body() {
        let para =
            "A paragraph of the article body, long enough to be chosen, with commas, and words. ";
        let html = format!(
            "<html><body><h1>Headline</h1><article><p>{}</p><p>{}</p>\
             <p style='text-align:right;'><strong>Võ Hải</strong></p></article></body></html>",
            para.repeat(3),
            para.repeat(2)
        );
        let a = extract(
            &html,
            &Url::parse("https://bao.example.vn/a").unwrap(),
            at_fetch(),
        )
        .unwrap();
        assert_eq!(a.authors, ["Võ Hải"]);
        let body = Body {
            blocks: vec![
                "Text.".into(),
                "Pewarta: Ricky Prayoga\nEditor: Budi Suyanto\nCopyright © ANTARA 2024".into(),
            ],
            ..Body::default()
        };

        assert_eq!(
            trailing_byline(&Dom::parse(""), &[], &body),
            ["Ricky Prayoga"]
        );
    }

    #[test]
    fn blog_names_in_h1_and_full_width_separators() {
        let a = article(
            "<h1 class=title><a href='https://blog.example.com/'>Catatan Bolang</a></h1>\
             <h3 class='post-title entry-title'>Menjelajah Curug</h3>",
            "https://blog.example.com/2024/07/a.html",
        );
        assert_eq!(a.title, "Headline here");
        let html = "<html><head><title>Catatan Bolang: Menjelajah Curug</title></head><body>\
            <h1><a href='/'>Catatan Bolang</a></h1><h3 class='post-title'>Menjelajah Curug</h3></body></html>";
        let dom = Dom::parse(html);
        let declared = metadata::read(&dom);
        assert_eq!(
            choose_title(&dom, &declared).as_deref(),
            Some("Menjelajah Curug")
        );
        assert_eq!(
            strip_site_name(
                "東京都、猛暑で警戒アラート｜東京新報",
                Some("東京新報"),
                &[]
            ),
            "東京都、猛暑で警戒アラート"
        );
    }

    #[test]
    fn lead_figure_between_headline_and_body() {
        let a = article(
            "<h1>Headline here</h1><img src='/me.jpg' width=32 height=32>\
             <div class=foto><img src='/lead.jpg' width=700></div>",
            "https://kabar.example.com/a",
        );
        assert_eq!(
            a.image.unwrap().as_str(),
            "https://kabar.example.com/lead.jpg"
        );
        let a = article(
            "<h1>Headline here</h1><img src='/img/mail-icon-small.svg'>",
            "https://kabar.example.com/a",
        );
        assert_eq!(a.image, None);
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
