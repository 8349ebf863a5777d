//! Article metadata from what the page declares: JSON-LD, Open Graph and Twitter cards,
//! `<meta>` names, `<link rel=canonical>`, `<html lang>`, and byline markup.
//!
//! Each field is a cascade, most deliberate declaration first: JSON-LD is written for search
//! engines and is usually exact; Open Graph is written for social previews and often carries a
//! site suffix; visible markup is the last resort and is handled in the body pass.

use std::collections::HashMap;

use serde_json::Value;

use super::dom::Dom;

/// What a page says about itself, as raw strings; parsing and resolving happens in `extract`.
#[derive(Debug, Default, Clone)]
pub struct Declared {
    pub title: Option<String>,
    pub html_title: Option<String>,
    pub site_name: Option<String>,
    pub authors: Vec<String>,
    pub published: Option<String>,
    pub updated: Option<String>,
    pub image: Option<String>,
    pub language: Option<String>,
    pub canonical: Option<String>,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub base_href: Option<String>,
    /// The page says it is an article (`og:type=article` or an article type in JSON-LD).
    pub declares_article: bool,
    /// `rel="next"` targets (`<link>` or `<a>`): the next page of a paginated article, or of
    /// something else; `extract` decides.
    pub next_links: Vec<String>,
}

const ARTICLE_TYPES: [&str; 14] = [
    "article",
    "newsarticle",
    "blogposting",
    "reportagenews",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "livebloggposting",
    "liveblogposting",
    "techarticle",
    "scholarlyarticle",
    "socialmediaposting",
    "report",
];

pub fn read(dom: &Dom) -> Declared {
    let metas = collect_meta(dom);
    let meta = |keys: &[&str]| -> Option<String> {
        keys.iter()
            .filter_map(|k| metas.get(*k))
            .flatten()
            .map(|v| v.trim())
            .find(|v| !v.is_empty())
            .map(str::to_string)
    };
    let ld_found = json_ld_article(dom);
    let declares_article =
        ld_found.is_some() || meta(&["og:type"]).is_some_and(|t| t.eq_ignore_ascii_case("article"));
    let ld = ld_found.unwrap_or_default();

    let mut d = Declared {
        title: ld
            .title
            .or_else(|| meta(&["og:title", "twitter:title", "dc.title", "headline"])),
        html_title: dom
            .elements_named("title")
            .next()
            .map(|t| dom.text(t))
            .filter(|t| !t.is_empty()),
        site_name: ld
            .site_name
            .or_else(|| meta(&["og:site_name", "application-name", "publisher"])),
        published: ld.published.or_else(|| {
            meta(&[
                "article:published_time",
                "datepublished",
                "og:published_time",
                "published_time",
                "pubdate",
                "publishdate",
                "publish-date",
                "dc.date.issued",
                "dcterms.date",
                "dc.date",
                "date",
                "sailthru.date",
                "parsely-pub-date",
                "article.published",
                "cxenseparse:recs:publishtime",
            ])
        }),
        updated: ld.updated.or_else(|| {
            meta(&[
                "article:modified_time",
                "datemodified",
                "og:updated_time",
                "dcterms.modified",
                "last-modified",
            ])
        }),
        image: ld.image.or_else(|| {
            meta(&[
                "og:image",
                "og:image:url",
                "og:image:secure_url",
                "twitter:image",
                "twitter:image:src",
                "thumbnailurl",
            ])
        }),
        language: ld
            .language
            .or_else(|| html_lang(dom))
            .or_else(|| meta(&["content-language", "og:locale", "dc.language", "language"])),
        canonical: link_href(dom, "canonical")
            .or_else(|| meta(&["og:url"]))
            .or(ld.url),
        description: ld.description.or_else(|| {
            meta(&[
                "description",
                "og:description",
                "twitter:description",
                "dc.description",
            ])
        }),
        tags: ld.tags,
        base_href: dom
            .elements_named("base")
            .find_map(|b| dom.attr(b, "href"))
            .map(str::to_string),
        authors: ld.authors,
        declares_article,
        next_links: rel_next(dom),
    };
    if d.authors.is_empty() {
        let declared = meta(&[
            "author",
            "article:author",
            "dc.creator",
            "parsely-author",
            "sailthru.author",
            "byl",
        ]);
        d.authors = declared.map(|a| split_authors(&a)).unwrap_or_default();
    }
    if d.authors.is_empty() {
        d.authors = byline_markup(dom);
    }
    if d.tags.is_empty() {
        d.tags = metas
            .get("article:tag")
            .map(|tags| {
                tags.iter()
                    .map(|t| t.trim().to_string())
                    .filter(|t| !t.is_empty())
                    .collect()
            })
            .unwrap_or_default();
    }
    d
}

/// All `<meta>` values by lower-cased `property`, `name`, `itemprop` or `http-equiv`.
fn collect_meta(dom: &Dom) -> HashMap<String, Vec<String>> {
    let mut map: HashMap<String, Vec<String>> = HashMap::new();
    for i in dom.elements_named("meta") {
        let Some(content) = dom.attr(i, "content") else {
            continue;
        };
        for key_attr in ["property", "name", "itemprop", "http-equiv"] {
            if let Some(key) = dom.attr(i, key_attr) {
                map.entry(key.trim().to_lowercase())
                    .or_default()
                    .push(content.to_string());
            }
        }
    }
    // itemprop on <time> and friends is microdata, and as good as a meta tag.
    for i in 0..dom.len() {
        if let Some(prop) = dom.attr(i, "itemprop") {
            if matches!(prop, "datePublished" | "dateModified") {
                // `<abbr title="…">` (Blogger) or, failing every attribute, the visible text
                // (Astra, Folha), which `extract` reads as a human-written date.
                let value = dom
                    .attr(i, "datetime")
                    .or_else(|| dom.attr(i, "content"))
                    .or_else(|| dom.attr(i, "title"))
                    .map(str::to_string)
                    .filter(|v| !v.trim().is_empty())
                    .or_else(|| Some(dom.text(i)).filter(|t| !t.is_empty() && t.len() <= 80));
                if let Some(v) = value {
                    map.entry(prop.to_lowercase()).or_default().push(v);
                }
            }
        }
    }
    map
}

fn html_lang(dom: &Dom) -> Option<String> {
    let html = dom.elements_named("html").next()?;
    dom.attr(html, "lang")
        .or_else(|| dom.attr(html, "xml:lang"))
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
}

/// Every `href` of `<link>` and `<a>` elements whose `rel` includes `next`.
fn rel_next(dom: &Dom) -> Vec<String> {
    (0..dom.len())
        .filter(|&i| matches!(dom.tag(i), "link" | "a"))
        .filter(|&i| {
            dom.attr(i, "rel")
                .is_some_and(|r| r.split_whitespace().any(|t| t.eq_ignore_ascii_case("next")))
        })
        .filter_map(|i| dom.attr(i, "href"))
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .collect()
}

fn link_href(dom: &Dom, rel: &str) -> Option<String> {
    dom.elements_named("link").find_map(|i| {
        let rels = dom.attr(i, "rel")?;
        rels.split_whitespace()
            .any(|r| r.eq_ignore_ascii_case(rel))
            .then(|| dom.attr(i, "href"))
            .flatten()
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())
    })
}

#[derive(Default)]
struct LdArticle {
    title: Option<String>,
    site_name: Option<String>,
    authors: Vec<String>,
    published: Option<String>,
    updated: Option<String>,
    image: Option<String>,
    language: Option<String>,
    url: Option<String>,
    description: Option<String>,
    tags: Vec<String>,
}

/// The first article-typed object in any JSON-LD block, looking inside `@graph` and arrays;
/// `{"@id": …}` references (Yoast's `#primaryimage`, its author `Person`) are resolved
/// against every node of every block.
fn json_ld_article(dom: &Dom) -> Option<LdArticle> {
    let mut blocks = Vec::new();
    for i in dom.elements_named("script") {
        let is_ld = dom
            .attr(i, "type")
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"));
        if !is_ld {
            continue;
        }
        let text: String = dom
            .children(i)
            .filter_map(|c| match dom.kind(c) {
                super::dom::NodeKind::Text(t) => Some(t),
                _ => None,
            })
            .collect();
        let Ok(value) = serde_json::from_str::<Value>(text.trim()) else {
            continue;
        };
        blocks.push(value);
    }
    let mut ids: LdIds = HashMap::new();
    let mut stack: Vec<&Value> = blocks.iter().collect();
    while let Some(v) = stack.pop() {
        match v {
            Value::Array(items) => stack.extend(items.iter()),
            Value::Object(obj) => {
                if let Some(id) = obj.get("@id").and_then(Value::as_str) {
                    // The node that says more wins over a bare reference to it.
                    let size = |v: &Value| v.as_object().map_or(0, serde_json::Map::len);
                    if ids.get(id).is_none_or(|known| size(known) < obj.len()) {
                        ids.insert(id, v);
                    }
                }
                stack.extend(obj.values());
            }
            _ => {}
        }
    }
    blocks
        .iter()
        .find_map(find_article)
        .map(|obj| read_ld(obj, &ids))
}

type LdIds<'a> = HashMap<&'a str, &'a Value>;

/// A bare `{"@id": …}` replaced by the node it names, when the page has it.
fn resolve<'a>(v: &'a Value, ids: &LdIds<'a>) -> &'a Value {
    if let Value::Object(o) = v {
        if let Some(id) = o.get("@id").and_then(Value::as_str) {
            if o.len() <= 2 {
                if let Some(target) = ids.get(id) {
                    return target;
                }
            }
        }
    }
    v
}

fn find_article(value: &Value) -> Option<&serde_json::Map<String, Value>> {
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Array(items) => stack.extend(items.iter().rev()),
            Value::Object(obj) => {
                if types_of(obj)
                    .iter()
                    .any(|t| ARTICLE_TYPES.contains(&t.as_str()))
                {
                    return Some(obj);
                }
                if let Some(graph) = obj.get("@graph") {
                    stack.push(graph);
                }
            }
            _ => {}
        }
    }
    None
}

fn types_of(obj: &serde_json::Map<String, Value>) -> Vec<String> {
    match obj.get("@type") {
        Some(Value::String(s)) => vec![s.to_lowercase()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_lowercase)
            .collect(),
        _ => Vec::new(),
    }
}

fn read_ld(obj: &serde_json::Map<String, Value>, ids: &LdIds) -> LdArticle {
    let text = |key: &str| {
        obj.get(key)
            .and_then(first_text)
            .filter(|s| !s.trim().is_empty())
    };
    let names = |key: &str| {
        let resolved: Vec<Value> = match obj.get(key) {
            Some(Value::Array(items)) => items.iter().map(|v| resolve(v, ids).clone()).collect(),
            Some(v) => vec![resolve(v, ids).clone()],
            None => Vec::new(),
        };
        resolved.iter().flat_map(names_of).collect::<Vec<_>>()
    };
    let image_of = |v: &Value| -> Option<String> {
        let items: Vec<&Value> = match v {
            Value::Array(items) => items.iter().collect(),
            v => vec![v],
        };
        items
            .into_iter()
            .map(|v| resolve(v, ids))
            .find_map(url_of)
            .filter(|u| looks_like_image_url(u))
    };
    LdArticle {
        title: text("headline").or_else(|| text("name")),
        site_name: obj
            .get("publisher")
            .and_then(|p| names_of(p).into_iter().next()),
        authors: names("author")
            .iter()
            .flat_map(|a| split_authors(a))
            .collect(),
        published: text("datePublished").or_else(|| text("dateCreated")),
        updated: text("dateModified"),
        image: obj
            .get("image")
            .and_then(image_of)
            .or_else(|| obj.get("thumbnailUrl").and_then(image_of)),
        language: obj
            .get("inLanguage")
            .and_then(|l| first_text(l).or_else(|| l.get("name").and_then(first_text))),
        url: obj
            .get("mainEntityOfPage")
            .and_then(url_of)
            .or_else(|| text("url")),
        description: text("description"),
        tags: match obj.get("keywords") {
            Some(Value::String(s)) => s
                .split(',')
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect(),
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(Value::as_str)
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect(),
            _ => Vec::new(),
        },
    }
}

fn first_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Array(a) => a.iter().find_map(first_text),
        _ => None,
    }
}

fn url_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Array(a) => a.iter().find_map(url_of),
        Value::Object(o) => o
            .get("url")
            .or_else(|| o.get("contentUrl"))
            .or_else(|| o.get("@id"))
            .and_then(url_of),
        _ => None,
    }
}

/// An image address, not a node identifier such as `…/post/#primaryimage`.
fn looks_like_image_url(url: &str) -> bool {
    !url.contains('#')
}

/// Person or organisation names from a string, an object with `name`, or a list of either.
fn names_of(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().flat_map(names_of).collect(),
        Value::Object(o) => o.get("name").and_then(first_text).into_iter().collect(),
        _ => Vec::new(),
    }
}

/// Class and id words that mark a byline, in the languages we read.
const BYLINE_CLASS_WORDS: [&str; 10] = [
    "byline",
    "author",
    "autor",
    "auteur",
    "writer",
    "penulis",
    "tacgia",
    "tac-gia",
    "firma",
    "signature",
];

/// Names from byline markup: `rel=author`, `itemprop=author`, and short elements whose class
/// says author or byline (in any of [`BYLINE_CLASS_WORDS`]). Inside such an element, the
/// innermost name element (`itemprop=name`, `.fn`, `a[rel=author]`) is the name, not the
/// wrapper's "Posted by" text.
fn byline_markup(dom: &Dom) -> Vec<String> {
    let marked = |i: usize| {
        if !dom.is_element(i) {
            return false;
        }
        dom.attr(i, "rel")
            .is_some_and(|r| r.split_whitespace().any(|t| t == "author"))
            || dom.attr(i, "itemprop").is_some_and(|p| p == "author")
            || {
                let ci = dom.class_and_id(i);
                BYLINE_CLASS_WORDS.iter().any(|w| ci.contains(w))
                    && !ci.contains("comment")
                    && !matches!(dom.tag(i), "body" | "article" | "main" | "html" | "meta")
            }
    };
    // A marked wrapper ("firma", "c-signature") around the marked name and a place or
    // date: the inner one is read instead.
    let innermost =
        |i: usize| marked(i) && !(i + 1..dom.end(i)).any(|j| marked(j) && !dom.text(j).is_empty());
    let Some((first, mut names)) = (0..dom.len())
        .filter(|&i| innermost(i))
        .find_map(|i| Some((i, marked_names(dom, i))).filter(|(_, n)| !n.is_empty()))
    else {
        return Vec::new();
    };
    // Several writers, each marked on their own ("Von <a rel=author>A</a>, <a>B</a> und
    // <a>C</a>"): the rest are in the same short byline.
    if let Some(byline) = dom
        .parent(first)
        .filter(|&p| dom.text(p).chars().count() <= 200)
    {
        // Marked the same way as the first: not the place or time beside the names.
        let alike = |j: usize| {
            dom.tag(j) == dom.tag(first) && dom.attr(j, "class") == dom.attr(first, "class")
        };
        for j in (first + 1..dom.end(byline)).filter(|&j| alike(j) && innermost(j)) {
            for name in marked_names(dom, j) {
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
    }
    names
}

/// The names a byline element holds: its name elements' text, else its own short text.
fn marked_names(dom: &Dom, i: usize) -> Vec<String> {
    let inner = name_elements(dom, i);
    let names: Vec<String> = inner
        .iter()
        .flat_map(|&n| split_authors(&dom.text(n)))
        .collect();
    if !names.is_empty() {
        return names;
    }
    let text = dom.text(i);
    let chars = text.chars().count();
    if chars > 2 && chars <= 100 {
        split_authors(&text)
    } else {
        Vec::new()
    }
}

/// The outermost name elements inside `i` (`itemprop=name`, class `fn`, `rel=author`) that
/// have text.
fn name_elements(dom: &Dom, i: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut j = i + 1;
    let end = dom.end(i);
    while j < end {
        if !dom.is_element(j) {
            j += 1;
            continue;
        }
        let is_name = dom.attr(j, "itemprop") == Some("name")
            || dom.classes(j).any(|c| c == "fn")
            || dom
                .attr(j, "rel")
                .is_some_and(|r| r.split_whitespace().any(|t| t == "author"));
        if is_name && !dom.text(j).is_empty() {
            out.push(j);
            j = dom.end(j);
        } else {
            j += 1;
        }
    }
    out
}

/// Words that open a byline near the headline ("By …", "Oleh …", "文：…").
const BYLINE_WORDS: [&str; 19] = [
    "by",
    "written by",
    "posted by",
    "oleh",
    "bởi",
    "von",
    "par",
    "por",
    "di",
    "door",
    "โดย",
    "文",
    "記者",
    "text",
    "texto",
    "reporter",
    "penulis",
    "author",
    "autor",
];
/// Words that mean a credit is for a picture, not the text ("Photo by …").
const PICTURE_WORDS: [&str; 8] = [
    "photo",
    "foto",
    "image",
    "picture",
    "illustration",
    "ảnh",
    "credit",
    "video",
];

/// A byline that no markup names: near the headline (above or below it), a short element
/// with at most two links whose text opens with a byline word, or a date line that says
/// "… by Name" ("Posted on July 12, 2024 by Lars Becker"). Only person-like names count.
pub fn byline_near(dom: &Dom, headline: usize) -> Vec<String> {
    let mut candidates: Vec<(usize, String)> = Vec::new();
    for i in super::around_headline(dom, headline) {
        if i.abs_diff(headline) > 150
            || matches!(
                dom.tag(i),
                "script" | "style" | "h1" | "h2" | "a" | "li" | "ul"
            )
            || dom.end(i) - i > 20
        {
            continue;
        }
        let links = (i..dom.end(i)).filter(|&j| dom.tag(j) == "a").count();
        let text = dom.text(i);
        let chars = text.chars().count();
        if links <= 2 && (3..=120).contains(&chars) {
            candidates.push((i, text));
        }
    }
    // Innermost first: a wrapper that holds a byline and a date is a worse reading.
    let nested = |i: usize| {
        candidates
            .iter()
            .any(|&(j, ref t)| j > i && j < dom.end(i) && opens_with_byline_word(t))
    };
    for (i, text) in &candidates {
        if opens_with_byline_word(text) && !nested(*i) {
            // "By A and B<br>Monday, November 18, 2019": the names end at the line break.
            let lines = dom.text_with_breaks(*i);
            let line = lines
                .lines()
                .find(|l| opens_with_byline_word(l))
                .unwrap_or(text);
            let names = split_authors(line);
            if !names.is_empty() && names.iter().all(|n| is_person_name(n)) {
                return names;
            }
        }
    }
    for (_, text) in &candidates {
        if let Some(names) = inline_byline(text) {
            return names;
        }
    }
    Vec::new()
}

fn opens_with_byline_word(text: &str) -> bool {
    let lower = text.trim_start().to_lowercase();
    BYLINE_WORDS
        .iter()
        .any(|w| lower.starts_with(w) && lower[w.len()..].starts_with([' ', ':', '：', '\u{a0}']))
}

/// "Posted 2024-07-12 10:15 by Lars Becker · #rust": a date line naming its writer.
fn inline_byline(text: &str) -> Option<Vec<String>> {
    if !text.chars().any(|c| c.is_ascii_digit()) || text.len() != text.to_lowercase().len() {
        return None;
    }
    let lower = text.to_lowercase();
    let pos = [" by ", " oleh ", " von ", " par ", " por ", " door "]
        .iter()
        .filter_map(|w| lower.find(w).map(|p| (p, w.len())))
        .min()?;
    if PICTURE_WORDS.iter().any(|w| lower[..pos.0].contains(w)) {
        return None;
    }
    let after = &text[pos.0 + pos.1..];
    let end = after
        .find(['·', '|', '•', ',', '–', '—', '(', '\n', '#'])
        .unwrap_or(after.len());
    let name = after[..end].trim();
    (is_person_name(name) && name.split_whitespace().count() >= 2)
        .then(|| split_authors(name))
        .filter(|n| !n.is_empty())
}

/// Words of job titles, desks and agencies: "CNN Editor-at-large" and "Post Staff" are not
/// people's names.
const JOB_WORDS: [&str; 24] = [
    "editor",
    "kontributor",
    "wartawan",
    "jurnalis",
    "journalist",
    "reporter",
    "correspondent",
    "staff",
    "writer",
    "contributor",
    "columnist",
    "redaktion",
    "redacción",
    "redação",
    "redazione",
    "redaksi",
    "rédaction",
    "team",
    "desk",
    "news",
    "press",
    "agency",
    "newsroom",
    "wire",
];

/// Particles that may stand lower-case inside a name ("Ana de Souza", "Jan van Dijk").
const NAME_PARTICLES: [&str; 16] = [
    "de", "da", "do", "dos", "das", "del", "della", "di", "van", "von", "der", "den", "la", "le",
    "bin", "binti",
];

/// Whether `name` reads as a person's name: two to five words, each capitalised (or in a
/// script without case), no digits, no sentence punctuation; a single word only in scripts
/// without case, where names are often written without spaces.
/// Job titles written as phrases ("biên tập viên", editor; "phóng viên", reporter).
const JOB_PHRASES: [&str; 3] = ["biên tập", "phóng viên", "cộng tác viên"];

/// A job, a desk or an agency rather than a person: "Kontributor Semarang", "Biên tập viên",
/// "Post Staff".
pub fn names_a_job(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower
        .split(|c: char| !c.is_alphabetic())
        .any(|w| JOB_WORDS.contains(&w))
        || JOB_PHRASES.iter().any(|p| lower.contains(p))
}

/// Only a job title: "Biên tập viên", "Staff", "Editor".
pub fn is_job_title(name: &str) -> bool {
    let lower = name.to_lowercase();
    JOB_PHRASES.iter().any(|p| lower.contains(p))
        || lower
            .split(|c: char| !c.is_alphabetic())
            .filter(|w| !w.is_empty())
            .all(|w| JOB_WORDS.contains(&w))
}

pub fn is_person_name(name: &str) -> bool {
    let name = name.trim();
    let words: Vec<&str> = name.split_whitespace().collect();
    if name.is_empty()
        || name.chars().count() > 50
        || name
            .chars()
            .any(|c| c.is_ascii_digit() || matches!(c, '!' | '?' | ':' | '@' | '"' | '«' | '»'))
    {
        return false;
    }
    if names_a_job(name) {
        return false;
    }
    let uncased = |w: &str| w.chars().all(|c| !c.is_lowercase() && !c.is_uppercase());
    match words.len() {
        1 => uncased(words[0]) && words[0].chars().count() >= 2,
        2..=5 => words.iter().all(|w| {
            let first = w.chars().next().unwrap_or(' ');
            first.is_uppercase()
                || uncased(w)
                || NAME_PARTICLES.contains(&w.to_lowercase().as_str())
        }),
        _ => false,
    }
}

/// Words that introduce a byline in the languages we read ("By", "Oleh", "Bởi", "Von"…),
/// and labels before a name ("Author:", "Pewarta:", "文："), longest first where one starts
/// another.
const BYLINE_PREFIXES: [&str; 34] = [
    "written by",
    "posted by",
    "reporting by",
    "diposting oleh",
    "ditulis oleh",
    "dipublikasikan oleh",
    "by",
    "oleh",
    "bởi",
    "von",
    "par",
    "por",
    "di",
    "door",
    "av",
    "af",
    "przez",
    "från",
    "tác giả",
    "penulis",
    "pewarta",
    "wartawan",
    "reporter",
    "author",
    "autor",
    "auteur",
    "autore",
    "text",
    "texto",
    "โดย",
    "文",
    "記者",
    "作者",
    "撰文",
];
/// Separators between several authors.
const AUTHOR_SEPARATORS: [&str; 11] = [
    " and ", " & ", " dan ", " và ", " und ", " et ", " y ", " e ", " en ", " og ", " och ",
];

/// Splits a byline into clean author names: no "By" or "Author:", one name per author,
/// all-caps names title-cased, and things that are not names (URLs, e-mails, dates) dropped.
/// Commas separate authors only where every part is a person's name: in
/// "Von Anna Schmidt, Berlin" or "Por Ana Souza, g1 SP" the city and the desk are dropped.
pub fn split_authors(byline: &str) -> Vec<String> {
    if byline.trim_start().starts_with("http") {
        return Vec::new();
    }
    let mut text = byline.split_whitespace().collect::<Vec<_>>().join(" ");
    loop {
        let lower = text.to_lowercase();
        if lower.len() != text.len() {
            break;
        }
        let prefix = BYLINE_PREFIXES.iter().find(|p| {
            lower.starts_with(*p) && lower[p.len()..].starts_with([' ', ':', '\u{a0}', '：'])
        });
        match prefix {
            Some(p) => {
                text = text[p.len()..]
                    .trim_start_matches([' ', ':', '：', '\u{a0}'])
                    .to_string()
            }
            None => break,
        }
    }
    // "Analysis by Chris Cillizza": a kind of piece, then the byline word.
    let lower = text.to_lowercase();
    if lower.len() == text.len() {
        if let Some(p) = [" by ", " von ", " par ", " por ", " oleh ", " door "]
            .iter()
            .filter_map(|w| lower.find(w).map(|p| p + w.len()))
            .min()
        {
            let before = &text[..p];
            if before.split_whitespace().count() <= 3
                && before.chars().next().is_some_and(char::is_uppercase)
            {
                text = text[p..].trim().to_string();
            }
        }
    }
    let comma_parts: Vec<String> = text
        .split([',', ';'])
        .map(|p| p.trim().to_string())
        .collect();
    let mut parts = if comma_parts.len() > 1 {
        let person = |p: &String| {
            split_on_and(p)
                .iter()
                .all(|n| is_person_name(n) && n.split_whitespace().count() >= 2)
        };
        if comma_parts.iter().all(person) {
            comma_parts
        } else {
            let kept: Vec<String> = comma_parts.iter().filter(|p| person(p)).cloned().collect();
            if kept.is_empty() {
                comma_parts.into_iter().take(1).collect()
            } else {
                kept
            }
        }
    } else {
        comma_parts
    };
    for sep in ["|", "/"].iter().chain(AUTHOR_SEPARATORS.iter()) {
        parts = parts
            .iter()
            .flat_map(|p| {
                if sep.starts_with(' ') {
                    split_case_insensitive(p, sep)
                } else {
                    p.split(*sep).map(str::to_string).collect()
                }
            })
            .collect();
    }
    let mut names: Vec<String> = Vec::new();
    for part in parts {
        let name = part
            .trim()
            .trim_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != ')' && c != '(')
            .trim();
        if is_plausible_name(name) {
            let name = title_case_if_shouting(name);
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

fn split_on_and(text: &str) -> Vec<String> {
    let mut parts = vec![text.to_string()];
    for sep in AUTHOR_SEPARATORS {
        parts = parts
            .iter()
            .flat_map(|p| split_case_insensitive(p, sep))
            .collect();
    }
    parts.into_iter().map(|p| p.trim().to_string()).collect()
}

fn split_case_insensitive(text: &str, sep: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    if lower.len() != text.len() {
        return vec![text.to_string()];
    }
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(pos) = lower[from..].find(sep) {
        out.push(text[from..from + pos].to_string());
        from += pos + sep.len();
    }
    out.push(text[from..].to_string());
    out
}

fn is_plausible_name(name: &str) -> bool {
    let words = name.split_whitespace().count();
    let chars = name.chars().count();
    (2..=60).contains(&chars)
        && (1..=6).contains(&words)
        && !name.contains("://")
        && !name.contains('@')
        && name.chars().filter(|c| c.is_ascii_digit()).count() < 2
        && name.chars().any(char::is_alphabetic)
}

/// "KHANH MINH" → "Khanh Minh"; mixed-case names are left as their owners write them.
pub fn title_case_if_shouting(name: &str) -> String {
    let letters: Vec<char> = name.chars().filter(|c| c.is_alphabetic()).collect();
    let shouting = letters.len() > 1 && letters.iter().all(|c| c.is_uppercase());
    if !shouting {
        return name.to_string();
    }
    name.split(' ')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first
                    .to_uppercase()
                    .chain(chars.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declared(html: &str) -> Declared {
        read(&Dom::parse(html))
    }

    #[test]
    fn json_ld_references_resolve_within_the_graph() {
        let d = declared(
            r##"<script type="application/ld+json">{"@graph":[
              {"@type":"Article","headline":"H","author":{"@id":"https://e.org/#/person/1"},
               "image":{"@id":"https://e.org/post/#primaryimage"}},
              {"@type":"ImageObject","@id":"https://e.org/post/#primaryimage","url":"https://e.org/a.jpg"},
              {"@type":"Person","@id":"https://e.org/#/person/1","name":"Ada Lovelace"}]}</script>"##,
        );
        assert_eq!(d.image.as_deref(), Some("https://e.org/a.jpg"));
        assert_eq!(d.authors, ["Ada Lovelace"]);
        // An unresolvable anchor is no image; Open Graph is used instead.
        let d = declared(
            r##"<meta property="og:image" content="https://e.org/og.jpg"><script type="application/ld+json">
              {"@type":"Article","headline":"H","image":{"@id":"https://e.org/post/#primaryimage"}}</script>"##,
        );
        assert_eq!(d.image.as_deref(), Some("https://e.org/og.jpg"));
    }

    #[test]
    fn microdata_dates_from_title_or_text() {
        let d = declared(
            "<abbr itemprop='datePublished' title='2024-07-17T06:30:00+07:00'>06.30</abbr>\
             <span itemprop='dateModified'>July 16, 2024</span>",
        );
        assert_eq!(d.published.as_deref(), Some("2024-07-17T06:30:00+07:00"));
        assert_eq!(d.updated.as_deref(), Some("July 16, 2024"));
    }

    #[test]
    fn bylines_split_into_clean_names() {
        assert_eq!(
            split_authors("By Jane Doe and John Smith"),
            ["Jane Doe", "John Smith"]
        );
        assert_eq!(
            split_authors("Oleh: Budi Santoso, Siti Aminah"),
            ["Budi Santoso", "Siti Aminah"]
        );
        assert_eq!(split_authors("Bởi Nguyễn Văn An"), ["Nguyễn Văn An"]);
        assert_eq!(split_authors("KHANH MINH"), ["Khanh Minh"]);
        assert_eq!(
            split_authors("Von Anna Müller und Jörg Weber"),
            ["Anna Müller", "Jörg Weber"]
        );
        assert!(split_authors("https://example.org/people/jane").is_empty());
        assert_eq!(split_authors("Author: Maria Delgado"), ["Maria Delgado"]);
        assert_eq!(split_authors("Diposting oleh Bolang"), ["Bolang"]);
        assert_eq!(split_authors("文：佐藤 花子"), ["佐藤 花子"]);
        assert_eq!(split_authors("Pewarta: Ricky Prayoga"), ["Ricky Prayoga"]);
        assert_eq!(split_authors("โดย สมชาย ใจดี"), ["สมชาย ใจดี"]);
    }

    #[test]
    fn commas_split_only_between_people() {
        assert_eq!(
            split_authors("Analysis by Chris Cillizza, CNN Editor-at-large"),
            ["Chris Cillizza"]
        );
        assert_eq!(split_authors("Von Anna Schmidt, Berlin"), ["Anna Schmidt"]);
        assert_eq!(split_authors("Por Ana Souza, g1 SP"), ["Ana Souza"]);
        assert_eq!(
            split_authors("By MARK THOMPSON, LISA CHEN and DAVID PARK"),
            ["Mark Thompson", "Lisa Chen", "David Park"]
        );
        assert_eq!(
            split_authors("Egi Adyatama, Hendrik Yaputra"),
            ["Egi Adyatama", "Hendrik Yaputra"]
        );
    }

    #[test]
    fn person_names() {
        assert!(is_person_name("Ana de Souza"));
        assert!(is_person_name("Võ Hải"));
        assert!(is_person_name("สมชาย ใจดี"));
        assert!(!is_person_name("Berlin"));
        assert!(!is_person_name("g1 SP"));
        assert!(!is_person_name("the city council said"));
        assert!(!is_person_name("Read more: here"));
        assert!(!is_person_name("CNN Editor-at-large"));
    }

    #[test]
    fn bylines_near_the_headline() {
        let names = |html: &str| {
            let dom = Dom::parse(html);
            let h = dom.elements_named("h1").next().unwrap();
            byline_near(&dom, h)
        };
        assert_eq!(
            names(
                "<div><h1>Headline</h1><p class=x>Por Ana Souza, g1 SP</p><p>Body text.</p></div>"
            ),
            ["Ana Souza"]
        );
        assert_eq!(
            names("<div><p>Written by <a href=/a>Sam Okafor</a></p><h1>Headline</h1></div>"),
            ["Sam Okafor"]
        );
        assert_eq!(
            names("<div><h1>Headline</h1><p>Posted 2024-07-12 10:15 by Lars Becker · <a href=/t>#rust</a></p></div>"),
            ["Lars Becker"]
        );
        // A place after "Di" (Indonesian "in") is no byline; nor is a photo credit.
        assert!(names(
            "<div><h1>Headline</h1><p>Di Jakarta</p><p>Photo 2024 by John Smith</p></div>"
        )
        .is_empty());
    }

    #[test]
    fn byline_markup_prefers_the_name_element() {
        let d = declared(
            "<span class='post-author vcard'>Diposting oleh <span class='fn'><a rel='author' href='/p'>\
             <span itemprop='name'>Bolang</span></a></span></span>",
        );
        assert_eq!(d.authors, ["Bolang"]);
        let d = declared("<div class='nota-autor'>Por Andrea Ramírez</div>");
        assert_eq!(d.authors, ["Andrea Ramírez"]);
    }

    #[test]
    fn json_ld_in_a_graph_wins_over_open_graph() {
        let d = read(&Dom::parse(
            r#"<html lang="en"><head>
            <meta property="og:title" content="Title | Site">
            <script type="application/ld+json">{"@graph":[{"@type":"WebSite","name":"Site"},
              {"@type":["NewsArticle"],"headline":"Title","author":[{"@type":"Person","name":"A B"},{"name":"C D"}],
               "datePublished":"2024-01-02T03:04:05Z","image":{"@type":"ImageObject","url":"https://e.org/i.jpg"},
               "publisher":{"name":"Site"},"keywords":"x, y"}]}</script></head><body></body></html>"#,
        ));
        assert_eq!(d.title.as_deref(), Some("Title"));
        assert_eq!(d.authors, ["A B", "C D"]);
        assert_eq!(d.published.as_deref(), Some("2024-01-02T03:04:05Z"));
        assert_eq!(d.image.as_deref(), Some("https://e.org/i.jpg"));
        assert_eq!(d.site_name.as_deref(), Some("Site"));
        assert_eq!(d.language.as_deref(), Some("en"));
        assert_eq!(d.tags, ["x", "y"]);
    }

    #[test]
    fn broken_json_ld_falls_back_to_meta() {
        let d = read(&Dom::parse(
            r#"<head><script type="application/ld+json">{"@type": "NewsArticle",</script>
            <meta name="author" content="By Jane Doe"><meta property="article:published_time" content="2024-01-02">
            <link rel="canonical" href="/a"></head>"#,
        ));
        assert_eq!(d.authors, ["Jane Doe"]);
        assert_eq!(d.published.as_deref(), Some("2024-01-02"));
        assert_eq!(d.canonical.as_deref(), Some("/a"));
    }
}
