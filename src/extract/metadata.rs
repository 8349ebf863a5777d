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
                if let Some(v) = dom.attr(i, "datetime").or_else(|| dom.attr(i, "content")) {
                    map.entry(prop.to_lowercase())
                        .or_default()
                        .push(v.to_string());
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

/// The first article-typed object in any JSON-LD block, looking inside `@graph` and arrays.
fn json_ld_article(dom: &Dom) -> Option<LdArticle> {
    for i in dom.elements_named("script") {
        let is_ld = dom
            .attr(i, "type")
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"));
        if !is_ld {
            continue;
        }
        let text: String = dom
            .children(i)
            .filter_map(|c| match dom.nodes[c].kind {
                super::dom::NodeKind::Text(t) => Some(t),
                _ => None,
            })
            .collect();
        let Ok(value) = serde_json::from_str::<Value>(text.trim()) else {
            continue;
        };
        if let Some(obj) = find_article(&value) {
            return Some(read_ld(obj));
        }
    }
    None
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

fn read_ld(obj: &serde_json::Map<String, Value>) -> LdArticle {
    let text = |key: &str| {
        obj.get(key)
            .and_then(first_text)
            .filter(|s| !s.trim().is_empty())
    };
    let names = |key: &str| obj.get(key).map(names_of).unwrap_or_default();
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
            .and_then(url_of)
            .or_else(|| obj.get("thumbnailUrl").and_then(url_of)),
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
            .or_else(|| o.get("@id"))
            .or_else(|| o.get("contentUrl"))
            .and_then(url_of),
        _ => None,
    }
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

/// Names from byline markup: `rel=author`, `itemprop=author`, and short elements whose class
/// says author or byline.
fn byline_markup(dom: &Dom) -> Vec<String> {
    for i in 0..dom.len() {
        if dom.element(i).is_none() {
            continue;
        }
        let marked = dom
            .attr(i, "rel")
            .is_some_and(|r| r.split_whitespace().any(|t| t == "author"))
            || dom.attr(i, "itemprop").is_some_and(|p| p == "author")
            || {
                let ci = dom.class_and_id(i);
                (ci.contains("byline") || ci.contains("author"))
                    && !ci.contains("comment")
                    && !matches!(dom.tag(i), "body" | "article" | "main" | "html")
            };
        if !marked {
            continue;
        }
        let text = dom.text(i);
        if text.chars().count() > 2 && text.chars().count() <= 100 {
            let names = split_authors(&text);
            if !names.is_empty() {
                return names;
            }
        }
    }
    Vec::new()
}

/// Words that introduce a byline in the languages we read ("By", "Oleh", "Bởi", "Von"…).
const BYLINE_PREFIXES: [&str; 16] = [
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
    "reporter",
    "written by",
];
/// Separators between several authors.
const AUTHOR_SEPARATORS: [&str; 11] = [
    " and ", " & ", " dan ", " và ", " und ", " et ", " y ", " e ", " en ", " og ", " och ",
];

/// Splits a byline into clean author names: no "By", one name per author, all-caps names
/// title-cased, and things that are not names (URLs, e-mails, dates) dropped.
pub fn split_authors(byline: &str) -> Vec<String> {
    if byline.trim_start().starts_with("http") {
        return Vec::new();
    }
    let mut text = byline.split_whitespace().collect::<Vec<_>>().join(" ");
    loop {
        let lower = text.to_lowercase();
        let prefix = BYLINE_PREFIXES
            .iter()
            .find(|p| lower.starts_with(*p) && lower[p.len()..].starts_with([' ', ':', '\u{a0}']));
        match prefix {
            Some(p) => text = text[p.len()..].trim_start_matches([' ', ':']).to_string(),
            None => break,
        }
    }
    let mut parts = vec![text];
    for sep in [",", ";", "|", "/"].iter().chain(AUTHOR_SEPARATORS.iter()) {
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
    use scraper::Html;

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
    }

    #[test]
    fn json_ld_in_a_graph_wins_over_open_graph() {
        let html = Html::parse_document(
            r#"<html lang="en"><head>
            <meta property="og:title" content="Title | Site">
            <script type="application/ld+json">{"@graph":[{"@type":"WebSite","name":"Site"},
              {"@type":["NewsArticle"],"headline":"Title","author":[{"@type":"Person","name":"A B"},{"name":"C D"}],
               "datePublished":"2024-01-02T03:04:05Z","image":{"@type":"ImageObject","url":"https://e.org/i.jpg"},
               "publisher":{"name":"Site"},"keywords":"x, y"}]}</script></head><body></body></html>"#,
        );
        let d = read(&Dom::build(&html));
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
        let html = Html::parse_document(
            r#"<head><script type="application/ld+json">{"@type": "NewsArticle",</script>
            <meta name="author" content="By Jane Doe"><meta property="article:published_time" content="2024-01-02">
            <link rel="canonical" href="/a"></head>"#,
        );
        let d = read(&Dom::build(&html));
        assert_eq!(d.authors, ["Jane Doe"]);
        assert_eq!(d.published.as_deref(), Some("2024-01-02"));
        assert_eq!(d.canonical.as_deref(), Some("/a"));
    }
}
