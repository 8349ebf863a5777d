//! Writing the chosen body nodes out as clean HTML for the feed and as plain text blocks.
//!
//! Only structure a reader needs survives: paragraphs, headings, lists, quotes, tables,
//! figures with captions, code, links and images, with every URL made absolute. Layout
//! wrappers are unwrapped, empty blocks dropped, leftover ad placeholders (`[iklan_2]`)
//! removed. The result then goes through `ammonia`, so whatever slipped past the structural
//! pass still cannot carry scripts, event handlers or `javascript:` links into a feed.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;
use url::Url;

use super::content::{class_words, is_block, is_junk_container, Analysis};
use super::dom::{push_collapsed, Dom, NodeKind};
use super::words::{AD_LABELS, AD_PLACEHOLDER_WORDS};
pub use crate::html::escape;
pub use crate::link::absolute;
use crate::link::same_site;

/// The cleaned body.
#[derive(Debug, Default, Clone)]
pub(crate) struct Body {
    pub(crate) html: String,
    /// Text of each block (paragraph, heading, list item…), in order.
    pub(crate) blocks: Vec<String>,
    /// Indices into `blocks` of running text: not captions, the blocks a summary is made of.
    pub(crate) prose: Vec<usize>,
    /// Absolute URL of the first image in the body.
    pub(crate) first_image: Option<Url>,
}

impl Body {
    /// The running text, blocks separated by blank lines. Captions stay in the HTML, next
    /// to their image, but are left out here: read as text they interrupt the article.
    pub(crate) fn text(&self) -> String {
        self.prose_blocks().collect::<Vec<_>>().join("\n\n")
    }

    /// The running-text blocks, in order.
    pub(crate) fn prose_blocks(&self) -> impl Iterator<Item = &str> {
        self.prose.iter().map(|&i| self.blocks[i].as_str())
    }
}

/// Tags written out as they are.
const KEPT: [&str; 36] = [
    "p",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "blockquote",
    "pre",
    "code",
    "em",
    "i",
    "strong",
    "b",
    "a",
    "img",
    "figure",
    "figcaption",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "caption",
    "br",
    "hr",
    "sub",
    "sup",
    "dl",
    "dt",
    "dd",
    "q",
];
const KEPT_INLINE_EXTRA: [&str; 6] = ["s", "del", "u", "mark", "small", "cite"];
const VOID: [&str; 3] = ["img", "br", "hr"];
/// Blocks that disappear when nothing is left in them.
const DROP_WHEN_EMPTY: [&str; 20] = [
    "p",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "dl",
    "dt",
    "dd",
    "a",
    "em",
    "strong",
    "b",
];

static AD_PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\[\s*(?:{})[\s_-]*[0-9]*\s*\]",
        AD_PLACEHOLDER_WORDS.join("|")
    ))
    .expect("valid regex")
});

/// Builds the placeholder pattern and the sanitiser now rather than on the first page.
pub(crate) fn warm_up() {
    LazyLock::force(&AD_PLACEHOLDER);
    LazyLock::force(&SANITISER);
}

/// Raw HTML handed to the sanitiser at a time (see [`render`]).
const SANITISE_PIECE: usize = 16 * 1024;

pub(crate) fn render(dom: &Dom, a: &Analysis, roots: &[usize], base: &Url, title: &str) -> Body {
    let mut w = Writer {
        dom,
        base,
        html: String::new(),
        blocks: Vec::new(),
        prose: Vec::new(),
        caption_depth: 0,
        block: String::new(),
        content_marks: 0,
        pre_depth: 0,
        space_due: false,
        html_spaced: false,
        first_image: None,
    };
    enum Step<'s> {
        Enter(usize),
        Leave {
            tag: &'s str,
            source_block: bool,
            open_at: usize,
            marks_at: usize,
        },
    }
    // Sanitised output so far: the raw HTML is handed to the sanitiser in pieces, between
    // top-level elements, so a huge article never has a whole second tree built for it.
    let mut clean = String::new();
    // Output elements open on the stack: a piece may end only where this is zero.
    let mut open_output = 0usize;
    for &root in roots {
        let mut stack = vec![Step::Enter(root)];
        while let Some(step) = stack.pop() {
            if open_output == 0 && w.html.len() >= SANITISE_PIECE {
                clean.push_str(&sanitise(&w.html));
                w.html.clear();
            }
            match step {
                Step::Leave {
                    tag,
                    source_block,
                    open_at,
                    marks_at,
                } => {
                    open_output -= usize::from(!tag.is_empty());
                    w.leave(tag, open_at, marks_at);
                    if source_block {
                        w.break_block();
                    }
                }
                Step::Enter(i) => {
                    if a.removed[i] {
                        continue;
                    }
                    match dom.kind(i) {
                        NodeKind::Text(t) => w.text(t),
                        NodeKind::Other => {}
                        NodeKind::Element => {
                            if skip_element(dom, a, i, title, base) {
                                continue;
                            }
                            let tag = output_tag(dom, a, i);
                            let (open_at, marks_at) = (w.html.len(), w.content_marks);
                            if let Some(tag) = tag {
                                if !w.open(tag, i) {
                                    continue;
                                }
                                if VOID.contains(&tag) {
                                    continue;
                                }
                            } else if is_block(dom.tag(i)) {
                                w.break_block();
                            }
                            open_output += usize::from(tag.is_some());
                            stack.push(Step::Leave {
                                tag: tag.unwrap_or(""),
                                source_block: is_block(dom.tag(i)),
                                open_at,
                                marks_at,
                            });
                            let children: Vec<usize> = dom.children(i).collect();
                            stack.extend(children.into_iter().rev().map(Step::Enter));
                        }
                    }
                }
            }
        }
    }
    w.break_block();
    clean.push_str(&sanitise(&w.html));
    Body {
        html: clean,
        blocks: w.blocks,
        prose: w.prose,
        first_image: w.first_image,
    }
}

fn skip_element(dom: &Dom, a: &Analysis, i: usize, title: &str, base: &Url) -> bool {
    if is_junk_container(dom, a, i) {
        return true;
    }
    // The headline is the entry's title already; repeating it in the body reads badly.
    if dom.tag(i) == "h1" && same_text(&dom.text(i), title) {
        return true;
    }
    is_link_teaser(dom, a, i, base) || is_date_line(dom, a, i) || is_ad_label(dom, a, i)
}

/// A paragraph or heading that is all link to another page of the same site: an inline
/// teaser ("SEE ALSO: …", another story's headline in capitals, "get our app"), not the
/// article's words. A link to another site is a source the article cites, and stays; so
/// does a bare address written out as the link's text.
fn is_link_teaser(dom: &Dom, a: &Analysis, i: usize, base: &Url) -> bool {
    if !matches!(dom.tag(i), "p" | "h2" | "h3" | "h4" | "h5" | "h6")
        || a.text_len[i] == 0
        || a.link_density(i) < 0.75
    {
        return false;
    }
    let text = dom.text(i);
    let looks_like_address = ["http", "www.", ".com", "@"]
        .iter()
        .any(|m| text.contains(m));
    if text.split_whitespace().count() < 3 || looks_like_address {
        return false;
    }
    (i..dom.end(i))
        .filter(|&j| dom.tag(j) == "a" && !a.removed[j])
        .filter_map(|j| dom.attr(j, "href"))
        .filter_map(|href| base.join(href.trim()).ok())
        .any(|link| same_site(&link, base))
}

/// Class and id words of a date or time printed on its own.
const DATE_WORDS: [&str; 10] = [
    "date",
    "time",
    "timestamp",
    "published",
    "updated",
    "pubdate",
    "posted",
    "created",
    "modified",
    "datetime",
];

/// A line that is only the article's date ("Updated 11:21 pm CST, Tuesday, November 19,
/// 2019"): marked as a date by its element, its `itemprop` or its class, short, with a digit,
/// and a block of its own. A date inside a sentence is part of the sentence and stays.
fn is_date_line(dom: &Dom, a: &Analysis, i: usize) -> bool {
    let len = a.text_len[i];
    if len == 0 || len > 80 {
        return false;
    }
    let marked = dom.tag(i) == "time"
        || dom
            .attr(i, "itemprop")
            .is_some_and(|p| p.starts_with("date"))
        || class_words(dom.class_and_id(i)).any(|w| DATE_WORDS.contains(&w));
    if !marked || !dom.text(i).chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    let mut block = i;
    while !is_block(dom.tag(block)) {
        match dom.parent(block) {
            Some(p) => block = p,
            None => return false,
        }
    }
    a.text_len[block] <= len + 2
}

/// An element whose whole text is an advertisement's label.
fn is_ad_label(dom: &Dom, a: &Analysis, i: usize) -> bool {
    if a.text_len[i] == 0 || a.text_len[i] > 20 {
        return false;
    }
    let text = dom.text(i).to_lowercase();
    let label = text.trim_matches(|c: char| !c.is_alphanumeric());
    AD_LABELS.contains(&label)
}

fn same_text(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    norm(a) == norm(b)
}

/// What an element becomes in the output: a kept tag, `<p>` for a `div` used as a
/// paragraph, or `None` to unwrap it (keep its children, lose the element).
fn output_tag(dom: &Dom, a: &Analysis, i: usize) -> Option<&'static str> {
    let tag = dom.tag(i);
    if tag == "h1" {
        return Some("h2");
    }
    if let Some(kept) = KEPT
        .iter()
        .chain(KEPT_INLINE_EXTRA.iter())
        .find(|k| **k == tag)
    {
        return Some(kept);
    }
    let text_box = matches!(
        tag,
        "div" | "section" | "article" | "center" | "main" | "header"
    );
    if text_box && !a.has_block[i] && a.text_len[i] > 0 && !inside_paragraph(dom, i) {
        return Some("p");
    }
    None
}

fn inside_paragraph(dom: &Dom, i: usize) -> bool {
    let mut p = dom.parent(i);
    while let Some(anc) = p {
        if matches!(
            dom.tag(anc),
            "p" | "li"
                | "td"
                | "th"
                | "dd"
                | "dt"
                | "figcaption"
                | "blockquote"
                | "h1"
                | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
        ) {
            return true;
        }
        p = dom.parent(anc);
    }
    false
}

struct Writer<'d> {
    dom: &'d Dom,
    base: &'d Url,
    html: String,
    blocks: Vec<String>,
    prose: Vec<usize>,
    /// Inside a `figcaption` or `caption`: text there is not prose.
    caption_depth: usize,
    block: String,
    /// Counts text and images written, to tell an empty block from a full one.
    content_marks: usize,
    pre_depth: usize,
    /// The last text ended with white space: the next words need a space before them.
    space_due: bool,
    /// The HTML already ends with that space (possibly before a tag opened since).
    html_spaced: bool,
    first_image: Option<Url>,
}

impl Writer<'_> {
    /// Writes the start tag; `false` when the element is dropped whole (an image without a
    /// usable source).
    fn open(&mut self, tag: &'static str, i: usize) -> bool {
        match tag {
            "img" => {
                let Some(src) = image_source(self.dom, i).and_then(|s| absolute(self.base, s))
                else {
                    return false;
                };
                let alt = self.dom.attr(i, "alt").unwrap_or("");
                self.html.push_str(&format!(
                    "<img src=\"{}\" alt=\"{}\">",
                    escape(src.as_str()),
                    escape(alt)
                ));
                self.first_image.get_or_insert(src);
                self.content_marks += 1;
                return true;
            }
            "br" => {
                self.html.push_str("<br>");
                self.block.push('\n');
                return true;
            }
            "hr" => {
                self.break_block();
                self.html.push_str("<hr>");
                return true;
            }
            _ => {}
        }
        if is_block(tag)
            || matches!(
                tag,
                "figcaption" | "caption" | "thead" | "tbody" | "tfoot" | "dt" | "dd" | "th"
            )
        {
            self.break_block();
        }
        self.html.push('<');
        self.html.push_str(tag);
        match tag {
            "a" => {
                if let Some(href) = self
                    .dom
                    .attr(i, "href")
                    .and_then(|h| absolute(self.base, h))
                {
                    self.html
                        .push_str(&format!(" href=\"{}\"", escape(href.as_str())));
                }
            }
            "td" | "th" => {
                for attr in ["colspan", "rowspan"] {
                    if let Some(v) = self
                        .dom
                        .attr(i, attr)
                        .filter(|v| v.chars().all(|c| c.is_ascii_digit()))
                    {
                        self.html.push_str(&format!(" {attr}=\"{v}\""));
                    }
                }
            }
            _ => {}
        }
        self.html.push('>');
        if tag == "pre" {
            self.pre_depth += 1;
        }
        if matches!(tag, "figcaption" | "caption") {
            self.caption_depth += 1;
        }
        true
    }

    fn leave(&mut self, tag: &str, open_at: usize, marks_at: usize) {
        if tag.is_empty() {
            return;
        }
        if tag == "pre" {
            self.pre_depth = self.pre_depth.saturating_sub(1);
        }
        if matches!(tag, "figcaption" | "caption") {
            self.break_block();
            self.caption_depth = self.caption_depth.saturating_sub(1);
        }
        if DROP_WHEN_EMPTY.contains(&tag) && self.content_marks == marks_at {
            self.html.truncate(open_at);
            return;
        }
        if is_block(tag) && self.html.ends_with(' ') {
            self.html.pop();
        }
        self.html.push_str("</");
        self.html.push_str(tag);
        self.html.push('>');
        if is_block(tag) || matches!(tag, "figcaption" | "caption" | "dt" | "dd" | "th") {
            self.break_block();
        }
    }

    fn text(&mut self, raw: &str) {
        let cleaned;
        let text = if raw.contains('[') {
            cleaned = AD_PLACEHOLDER.replace_all(raw, "");
            cleaned.as_ref()
        } else {
            raw
        };
        if self.pre_depth > 0 {
            self.html.push_str(&escape(text));
            self.block.push_str(text);
            self.content_marks += usize::from(!text.trim().is_empty());
            return;
        }
        let mut collapsed = String::with_capacity(text.len());
        push_collapsed(&mut collapsed, text);
        // White space at either end of a text node separates it from its neighbours, even
        // when the neighbour is inside an inline element (`<b>bold</b> text`). In the text
        // blocks the space is written just before the next words, so a block never starts
        // or ends with one; in the HTML it is written where the source had it, outside
        // the inline element's tags.
        let words = collapsed.trim();
        if text.starts_with(char::is_whitespace) {
            self.space_due = true;
        }
        let mid_block = !self.block.is_empty() && !self.block.ends_with([' ', '\n']);
        if self.space_due && mid_block && !self.html_spaced {
            self.html.push(' ');
            self.html_spaced = true;
        }
        if words.is_empty() {
            return;
        }
        if self.space_due && mid_block {
            self.block.push(' ');
        }
        self.html.push_str(&escape(words));
        self.block.push_str(words);
        self.space_due = collapsed.ends_with(' ');
        self.html_spaced = self.space_due;
        if self.space_due {
            self.html.push(' ');
        }
        self.content_marks += 1;
    }

    fn break_block(&mut self) {
        self.space_due = false;
        self.html_spaced = false;
        let text = self.block.trim();
        if !text.is_empty() {
            let tidy = text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("\n");
            if self.caption_depth == 0 {
                self.prose.push(self.blocks.len());
            }
            self.blocks.push(tidy);
        }
        self.block.clear();
    }
}

/// The real source of an image, looking past lazy-loading placeholders.
fn image_source(dom: &Dom, i: usize) -> Option<&str> {
    let src = dom.attr(i, "src").map(str::trim).filter(|s| !s.is_empty());
    let placeholder = src.is_none_or(|s| {
        s.starts_with("data:") || s.contains("blank.") || s.contains("placeholder")
    });
    if !placeholder {
        return src;
    }
    [
        "data-src",
        "data-lazy-src",
        "data-original",
        "data-url",
        "data-lazy",
    ]
    .iter()
    .find_map(|a| dom.attr(i, a).map(str::trim).filter(|s| !s.is_empty()))
    .or_else(|| {
        dom.attr(i, "srcset")
            .or_else(|| dom.attr(i, "data-srcset"))
            .and_then(|s| s.split(',').next())
            .and_then(|s| s.split_whitespace().next())
    })
    .or(src.filter(|s| !s.starts_with("data:")))
}

/// Last line of defence: whatever the structural pass let through, only safe markup leaves.
fn sanitise(html: &str) -> String {
    SANITISER.clean(html).to_string()
}

/// The sanitiser's rules, built once.
static SANITISER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let tags: HashSet<&str> = KEPT
        .iter()
        .chain(KEPT_INLINE_EXTRA.iter())
        .copied()
        .collect();
    let mut builder = ammonia::Builder::default();
    builder
        .tags(tags)
        .generic_attributes(HashSet::new())
        .tag_attributes(
            [
                ("a", ["href"].into_iter().collect::<HashSet<_>>()),
                ("img", ["src", "alt"].into_iter().collect()),
                ("td", ["colspan", "rowspan"].into_iter().collect()),
                ("th", ["colspan", "rowspan"].into_iter().collect()),
            ]
            .into_iter()
            .collect(),
        )
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(None);
    builder
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::content::analyse;

    #[test]
    fn furniture_inside_the_article_is_left_out() {
        let page = "<body><article>\
            <p>First paragraph of the story, long enough to be real text.</p>\
            <p><a href=/other-story>SEE ALSO: another story on this site</a></p>\
            <p><a href=https://elsewhere.org/report>The full report from the agency</a></p>\
            <div class=article-date><time>Updated 11:21 pm, November 19, 2019</time></div>\
            <p>The vote on <time>November 19, 2019</time> was close, officials said.</p>\
            <div class=newsCaption>A caption under the photo</div>\
            <div class=author-bio>Jane writes about science.</div>\
            <div><span>Advertisement</span></div>\
            <ul><li><a href=/a>Lead one</a>. What happened next, told in a full sentence here.</li>\
            <li><a href=/b>Lead two</a>. Another full sentence that carries its own news.</li></ul>\
            <article><h3><a href=/p>Another post</a></h3><p>Its excerpt, a short one.</p></article>\
            </article></body>";
        let text = render_all(page).text();
        for kept in [
            "First paragraph",
            "The full report from the agency",
            "was close, officials said",
            "What happened next",
        ] {
            assert!(text.contains(kept), "{kept:?} missing from {text:?}");
        }
        for dropped in [
            "SEE ALSO",
            "Updated 11:21",
            "A caption",
            "Jane writes",
            "Advertisement",
            "Its excerpt",
        ] {
            assert!(!text.contains(dropped), "{dropped:?} kept in {text:?}");
        }
    }

    #[test]
    fn long_bodies_are_sanitised_in_pieces_without_losing_markup() {
        let paragraph = "<p>Text with <b>bold words</b>, <a href=/x onclick=evil()>a link</a> \
            and more text to make the paragraph long enough.</p><script>alert(1)</script>";
        let page = format!("<body><div>{}</div></body>", paragraph.repeat(400));
        let body = render_all(&page);
        assert!(body.html.len() > 2 * SANITISE_PIECE, "{}", body.html.len());
        assert_eq!(body.html.matches("<p>").count(), 400);
        assert_eq!(body.html.matches("</p>").count(), 400);
        assert_eq!(body.html.matches("<b>bold words</b>").count(), 400);
        assert!(!body.html.contains("onclick") && !body.html.contains("alert"));
        let reparsed = Dom::parse(&body.html);
        assert_eq!(reparsed.elements_named("a").count(), 400);
    }

    fn render_all(page: &str) -> Body {
        let dom = Dom::parse(page);
        let a = analyse(&dom);
        let body = dom.elements_named("body").next().unwrap();
        render(
            &dom,
            &a,
            &[body],
            &Url::parse("https://e.org/a/b.html").unwrap(),
            "Title",
        )
    }

    #[test]
    fn keeps_structure_and_makes_urls_absolute() {
        let b = render_all("<body><h1>Title</h1><div><p>One <a href='/x' onclick='evil()'>link</a>.</p>\
            <img data-src='i.jpg' src='data:image/gif;base64,AA'><ul><li>item</li></ul></div></body>");
        assert_eq!(
            b.html,
            "<p>One <a href=\"https://e.org/x\">link</a>.</p><img src=\"https://e.org/a/i.jpg\" alt=\"\"><ul><li>item</li></ul>"
        );
        assert_eq!(b.blocks, ["One link.", "item"]);
        assert_eq!(b.first_image.unwrap().as_str(), "https://e.org/a/i.jpg");
    }

    #[test]
    fn scripts_handlers_and_javascript_links_never_survive() {
        let b = render_all("<body><p>a<script>alert(1)</script><a href='javascript:alert(1)'>b</a><img src=x onerror=alert(1)></p></body>");
        assert!(
            !b.html.contains("script")
                && !b.html.contains("javascript")
                && !b.html.contains("onerror"),
            "{}",
            b.html
        );
    }

    #[test]
    fn ad_placeholders_and_empty_blocks_vanish() {
        let b = render_all(
            "<body><p>Text before.</p><p>[iklan_2]</p><p> [ad_1] </p><p>Text after.</p></body>",
        );
        assert_eq!(b.html, "<p>Text before.</p><p>Text after.</p>");
        assert_eq!(b.text(), "Text before.\n\nText after.");
    }

    #[test]
    fn divs_used_as_paragraphs_become_paragraphs() {
        let b = render_all("<body><div>First box.</div><div>Second <b>box</b>.</div></body>");
        assert_eq!(b.html, "<p>First box.</p><p>Second <b>box</b>.</p>");
        assert_eq!(b.blocks, ["First box.", "Second box."]);
    }

    #[test]
    fn spaces_around_inline_elements_survive() {
        let b = render_all(
            "<body><p>with <strong>bold words</strong> followed by <a href=/x>a link</a> and\n<em>more</em>.</p></body>",
        );
        assert_eq!(b.blocks, ["with bold words followed by a link and more."]);
        assert_eq!(
            b.html,
            "<p>with <strong>bold words</strong> followed by <a href=\"https://e.org/x\">a link</a> and <em>more</em>.</p>"
        );
        let b = render_all("<body><p><b>a</b> <i>b</i><b>c</b></p><p> lead</p></body>");
        assert_eq!(b.blocks, ["a bc", "lead"]);
    }

    #[test]
    fn header_cells_are_separate_blocks() {
        let b = render_all(
            "<body><table><tr><th>Ticker</th><th>Last</th></tr><tr><td>A</td><td>1</td></tr></table></body>",
        );
        assert_eq!(b.blocks, ["Ticker", "Last", "A", "1"]);
    }

    #[test]
    fn captions_stay_in_the_html_but_not_in_the_text() {
        let b = render_all(
            "<body><p>Lead.</p><figure><img src=a.jpg><figcaption>A photo. Credit: AP</figcaption></figure><p>More.</p></body>",
        );
        assert!(b
            .html
            .contains("<figcaption>A photo. Credit: AP</figcaption>"));
        assert_eq!(b.text(), "Lead.\n\nMore.");
    }
}
