//! Article metadata from what the page declares: JSON-LD, Open Graph and Twitter cards,
//! `<meta>` names, `<link rel=canonical>`, `<html lang>`, and byline markup (read by
//! `authors`, which cleans every byline).
//!
//! The declared dates stay here as the raw strings the page gives: which keys and microdata
//! carry a date is a fact about declarations, while reading them (zones, formats, the
//! visible line of the same day) is the `dates` module's.
//!
//! Each field is a cascade, most deliberate declaration first: JSON-LD is written for search
//! engines and is usually exact; Open Graph is written for social previews and often carries a
//! site suffix; visible markup is the last resort and is handled in the body pass.

use std::collections::HashMap;

use serde_json::Value;

use super::authors::{byline_markup, split_authors};
use super::dom::Dom;

/// What a page says about itself, as raw strings; parsing and resolving happens in `extract`.
#[derive(Debug, Default, Clone)]
pub(crate) struct Declared {
    pub(crate) title: Option<String>,
    pub(crate) html_title: Option<String>,
    pub(crate) site_name: Option<String>,
    pub(crate) authors: Vec<String>,
    pub(crate) published: Option<String>,
    pub(crate) updated: Option<String>,
    pub(crate) image: Option<String>,
    pub(crate) language: Option<String>,
    pub(crate) canonical: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) tags: Vec<String>,
    pub(crate) base_href: Option<String>,
    /// The page says it is an article (`og:type=article` or an article type in JSON-LD).
    pub(crate) declares_article: bool,
    /// `rel="next"` targets (`<link>` or `<a>`): the next page of a paginated article, or of
    /// something else; `extract` decides.
    pub(crate) next_links: Vec<String>,
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

pub(crate) fn read(dom: &Dom) -> Declared {
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
