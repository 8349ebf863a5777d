//! A guard against absurdly deep nesting, applied to the raw HTML of a page that the parser
//! found nested deeper than [`MAX_DEPTH`] (see `Dom::parse`), before it is parsed again.
//!
//! html5ever's tree builder checks element scopes by walking the stack of open elements, so
//! a page nested N levels deep takes time quadratic in N: 100,000 nested `<div>`s take
//! more than half a minute. No real page nests more than a few hundred levels, so one
//! linear pass over the bytes estimates the depth with a tiny tag-balance tokenizer (start
//! tags minus end tags, skipping void and self-closing elements, comments, and the contents
//! of `<script>`, `<style>` and the other raw-text elements), and only when that depth goes
//! past [`MAX_DEPTH`] is the page rewritten, dropping the start tags beyond that depth and
//! the end tags that match them. Every other page is parsed exactly as it came.
//!
//! Elements whose end tag is optional or which never nest (`<p>`, `<li>`, `<td>`, `<a>`…)
//! are not counted: the parser closes them by itself, so a page of thousands of unclosed
//! paragraphs is not deep.
//!
//! The same scan caps the attributes of a tag ([`limit_attributes`]), for a page the parser
//! found too wide: html5ever checks each new attribute of a tag against all the earlier
//! ones, so one tag with N distinct attributes takes time quadratic in N (100,000 take
//! seconds, a million half an hour). Only a tag long enough to hold more than
//! [`MAX_ATTRIBUTES`] is looked at closely. Inside `<svg>` and `<math>` a `<style>` is not
//! raw text to the parser, though it is to this scan; the page's time budget
//! (`extract::budget`) covers what the scan misses there.

use std::borrow::Cow;

/// Nesting beyond this many counted elements is dropped.
pub const MAX_DEPTH: usize = 2_000;

/// Elements that never have content.
const VOID: [&str; 18] = [
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input",
    "keygen", "link", "meta", "param", "source", "track", "wbr",
];

/// Elements the parser closes by itself, or that cannot nest in themselves.
const NOT_COUNTED: [&str; 31] = [
    "html", "head", "body", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead",
    "tbody", "tfoot", "colgroup", "caption", "rb", "rt", "rtc", "rp", "a", "nobr", "button",
    "form", "h1", "h2", "h3", "h4", "h5", "h6",
];

/// Elements whose contents are text up to their own end tag.
const RAW_TEXT: [&str; 10] = [
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
];

/// `html` unchanged when its nesting stays within [`MAX_DEPTH`], else a copy without the
/// start tags beyond that depth and their end tags.
pub fn limit_depth(html: &str) -> Cow<'_, str> {
    if !too_deep(html) {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut open: Vec<&[u8]> = Vec::new();
    let mut dropped: Vec<&[u8]> = Vec::new();
    let mut copied = 0;
    scan(html, |tag| {
        if !tag.nests() {
            return;
        }
        let keep = if tag.end {
            if dropped
                .last()
                .is_some_and(|n| n.eq_ignore_ascii_case(tag.name))
            {
                dropped.pop();
                false
            } else {
                close(&mut open, tag.name);
                true
            }
        } else if open.len() >= MAX_DEPTH {
            dropped.push(tag.name);
            false
        } else {
            open.push(tag.name);
            true
        };
        if !keep {
            out.push_str(&html[copied..tag.start]);
            copied = tag.stop;
        }
    });
    out.push_str(&html[copied..]);
    Cow::Owned(out)
}

/// Attributes of one tag kept; the rest are dropped before the parser sees them. Real pages
/// stay far below (a heavily tracked `<a>` or an `<svg>` has a few dozen).
pub const MAX_ATTRIBUTES: usize = 1_000;

/// `html` unchanged when no tag has more than [`MAX_ATTRIBUTES`] attributes, else a copy in
/// which every tag keeps its first ones.
pub fn limit_attributes(html: &str) -> Cow<'_, str> {
    // Every attribute takes at least two bytes (a name and a separator).
    let longest_ordinary = 2 * MAX_ATTRIBUTES;
    if html.len() <= longest_ordinary {
        return Cow::Borrowed(html);
    }
    let bytes = html.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    scan(html, |tag| {
        if tag.stop - tag.start <= longest_ordinary {
            return;
        }
        let attributes_from = tag.start + 1 + usize::from(tag.end) + tag.name.len();
        let Some(cut) = extra_attributes_start(bytes, attributes_from, tag.stop) else {
            return;
        };
        let out = out.get_or_insert_with(|| String::with_capacity(html.len()));
        out.push_str(&html[copied..cut]);
        let ends_closed = tag.stop >= 2 && &bytes[tag.stop - 2..tag.stop] == b"/>";
        out.push_str(if ends_closed { "/>" } else { ">" });
        copied = tag.stop;
    });
    match out {
        Some(mut out) => {
            out.push_str(&html[copied..]);
            Cow::Owned(out)
        }
        None => Cow::Borrowed(html),
    }
}

/// Where the attribute after the first [`MAX_ATTRIBUTES`] starts, in the attributes
/// `bytes[from..to]` of one tag, reading them as the HTML tokenizer does; `None` when the
/// tag has no more than that. The cut always falls on an ASCII byte, so on a character
/// boundary.
fn extra_attributes_start(bytes: &[u8], from: usize, to: usize) -> Option<usize> {
    let to = to.min(bytes.len());
    let name_ends = |b: u8| is_tag_space(b) || matches!(b, b'/' | b'>' | b'=');
    let skip = |mut i: usize, while_: &dyn Fn(u8) -> bool| {
        while i < to && while_(bytes[i]) {
            i += 1;
        }
        i
    };
    let mut i = from;
    let mut count = 0;
    loop {
        i = skip(i, &|b| is_tag_space(b) || b == b'/');
        if i >= to || bytes[i] == b'>' {
            return None;
        }
        if count == MAX_ATTRIBUTES {
            return Some(i);
        }
        count += 1;
        // A name may start with `=`; it ends at white space, `/`, `>` or `=`.
        i = skip(i + 1, &|b| !name_ends(b));
        let after_name = skip(i, &is_tag_space);
        if after_name < to && bytes[after_name] == b'=' {
            let value = skip(after_name + 1, &is_tag_space);
            i = match bytes.get(value) {
                Some(&q @ (b'"' | b'\'')) if value < to => {
                    memchr::memchr(q, &bytes[value + 1..to]).map_or(to, |e| value + 1 + e + 1)
                }
                _ => skip(value, &|b| !is_tag_space(b) && b != b'>'),
            };
        }
    }
}

/// Whether the estimated depth ever exceeds [`MAX_DEPTH`].
fn too_deep(html: &str) -> bool {
    // Fewer tags than the limit cannot nest deeper than it.
    if html.len() < MAX_DEPTH * 3 {
        return false;
    }
    let mut open: Vec<&[u8]> = Vec::new();
    let mut deep = false;
    scan(html, |tag| {
        if deep || !tag.nests() {
            return;
        }
        if tag.end {
            close(&mut open, tag.name);
        } else {
            open.push(tag.name);
            deep = open.len() > MAX_DEPTH;
        }
    });
    deep
}

/// Pops the innermost open element named `name` and everything opened after it; a stray
/// end tag closes nothing. Looks back a bounded number of levels, so a page full of stray
/// end tags stays linear.
fn close(open: &mut Vec<&[u8]>, name: &[u8]) {
    let floor = open.len().saturating_sub(64);
    if let Some(at) = open[floor..]
        .iter()
        .rposition(|n| n.eq_ignore_ascii_case(name))
    {
        open.truncate(floor + at);
    }
}

fn counted(name: &[u8]) -> bool {
    // Every listed name is at most 8 letters long.
    if name.len() > 8 {
        return true;
    }
    let mut buf = [0u8; 8];
    let lower = &mut buf[..name.len()];
    lower.copy_from_slice(name);
    lower.make_ascii_lowercase();
    let is = |list: &[&str]| list.iter().any(|n| n.as_bytes() == &*lower);
    !is(&VOID) && !is(&NOT_COUNTED)
}

/// A start or end tag: `html[start..stop]` is the tag.
struct Tag<'h> {
    /// As written: compare with `eq_ignore_ascii_case`.
    name: &'h [u8],
    end: bool,
    /// A start tag written `<x/>`, or of an element whose contents are raw text: it leaves
    /// no element open whose contents the scan sees.
    closed: bool,
    start: usize,
    stop: usize,
}

impl Tag<'_> {
    /// Whether the tag opens or closes an element that counts towards the depth.
    fn nests(&self) -> bool {
        (self.end || !self.closed) && counted(self.name)
    }
}

/// Calls `on_tag` for every start and end tag, in order, skipping comments, doctypes,
/// processing instructions and raw text.
fn scan<'h>(html: &'h str, mut on_tag: impl FnMut(&Tag<'h>)) {
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(lt) = find_char(html, '<', i) {
        let start = lt;
        i = lt + 1;
        match bytes.get(i) {
            Some(b'!') => {
                i = if bytes[i..].starts_with(b"!--") {
                    find(html, "-->", i + 3).map_or(bytes.len(), |e| e + 3)
                } else {
                    find_char(html, '>', i).map_or(bytes.len(), |e| e + 1)
                };
            }
            Some(b'?') => i = find_char(html, '>', i).map_or(bytes.len(), |e| e + 1),
            Some(b'/') if bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic) => {
                let (name, after) = tag_name(bytes, i + 1);
                let (stop, _) = tag_end(html, after);
                i = stop;
                on_tag(&Tag {
                    name,
                    end: true,
                    closed: false,
                    start,
                    stop,
                });
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let (name, after) = tag_name(bytes, i);
                let (stop, self_closing) = tag_end(html, after);
                i = stop;
                let raw = RAW_TEXT
                    .iter()
                    .any(|r| r.as_bytes().eq_ignore_ascii_case(name));
                on_tag(&Tag {
                    name,
                    end: false,
                    closed: self_closing || raw,
                    start,
                    stop,
                });
                if raw {
                    if name.eq_ignore_ascii_case(b"plaintext") {
                        return;
                    }
                    i = raw_text_end(html, i, name);
                }
            }
            _ => {}
        }
    }
}

/// The tag name starting at `i`, and where it ends.
fn tag_name(bytes: &[u8], mut i: usize) -> (&[u8], usize) {
    let from = i;
    while i < bytes.len() && !is_tag_space(bytes[i]) && !matches!(bytes[i], b'/' | b'>') {
        i += 1;
    }
    (&bytes[from..i], i)
}

fn is_tag_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// One past the `>` that ends the tag whose attributes start at `i` (quoted attribute values
/// may hold `>`), and whether the tag ends with `/>`.
///
/// Jumps from one `>` or quote to the next, as a tag is read for every page: a quote opens
/// a value only right after `=` (white space between allowed), as in the HTML tokenizer.
fn tag_end(html: &str, from: usize) -> (usize, bool) {
    let bytes = html.as_bytes();
    let mut i = from;
    while let Some(at) = next_end_or_quote(bytes, i) {
        let q = bytes[at];
        if q == b'>' {
            return (at + 1, at > 0 && bytes[at - 1] == b'/');
        }
        let opens_value = bytes[from..at].iter().rev().find(|&&b| !is_tag_space(b)) == Some(&b'=');
        i = if opens_value {
            find_char(html, char::from(q), at + 1).map_or(bytes.len(), |e| e + 1)
        } else {
            at + 1
        };
    }
    (bytes.len(), false)
}

/// The next `>` or quote at or after `i`. Most tags end a few bytes after their name, where
/// a plain loop is quicker than setting up `memchr3`, which pays off on long tags.
fn next_end_or_quote(bytes: &[u8], i: usize) -> Option<usize> {
    let special = |b: &u8| matches!(b, b'>' | b'"' | b'\'');
    let near = bytes.len().min(i.saturating_add(16));
    let rest = bytes.get(i..near)?;
    match rest.iter().position(special) {
        Some(p) => Some(i + p),
        None => memchr::memchr3(b'>', b'"', b'\'', &bytes[near..]).map(|p| near + p),
    }
}

/// Where the raw text of element `name` that starts at `i` ends: at its end tag, or at the
/// end of the page.
fn raw_text_end(html: &str, mut i: usize, name: &[u8]) -> usize {
    let bytes = html.as_bytes();
    while let Some(lt) = find_char(html, '<', i) {
        if bytes.get(lt + 1) != Some(&b'/') {
            i = lt + 1;
            continue;
        }
        let after = lt + 2 + name.len();
        let named = bytes
            .get(lt + 2..after)
            .is_some_and(|n| n.eq_ignore_ascii_case(name));
        let ends = named
            && bytes
                .get(after)
                .is_none_or(|&c| is_tag_space(c) || matches!(c, b'/' | b'>'));
        if ends {
            return lt;
        }
        i = lt + 2;
    }
    bytes.len()
}

/// Where `needle` next occurs at or after byte `from`. Every `from` is just past an ASCII
/// byte or at the start, so always on a character boundary.
fn find(html: &str, needle: &str, from: usize) -> Option<usize> {
    html.get(from..)?.find(needle).map(|p| p + from)
}

/// [`find`] for one ASCII character, which the standard library searches with `memchr`.
fn find_char(html: &str, needle: char, from: usize) -> Option<usize> {
    html.get(from..)?.find(needle).map(|p| p + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_pages_are_left_alone() {
        let page = format!(
            "<html><body>{}<div class=\"a>b\"><p>text<br><img src=x>{}</div></body></html>",
            "<p>unclosed paragraph".repeat(5_000),
            "<script>if (a < b) { '<div>'.repeat(9999) }</script><!-- <div> -->".repeat(10)
        );
        assert!(matches!(limit_depth(&page), Cow::Borrowed(_)));
        let svg = format!("<svg>{}</svg>", "<path d=\"M0 0\"/>".repeat(5_000));
        assert!(matches!(limit_depth(&svg), Cow::Borrowed(_)));
    }

    #[test]
    fn deep_nesting_is_cut_at_the_limit() {
        let depth = 10_000;
        let page = format!(
            "<body>{}deep text{}<p>after</p></body>",
            "<div class=x>".repeat(depth),
            "</div>".repeat(depth)
        );
        let cut = limit_depth(&page);
        assert_eq!(cut.matches("<div").count(), MAX_DEPTH);
        assert_eq!(cut.matches("</div>").count(), MAX_DEPTH);
        assert!(cut.contains("deep text") && cut.ends_with("<p>after</p></body>"));
    }

    #[test]
    fn tags_keep_their_first_attributes() {
        let many = |n: usize, quote: &str| {
            (0..n)
                .map(|i| {
                    let gt = if quote.is_empty() { "" } else { ">" };
                    format!("a{i}={quote}v{gt}{i}{quote}")
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        let page = format!(
            "<body><div {}>text</div><img {}/><p class=x>after</p></div {}></body>",
            many(5_000, "\""),
            many(3_000, "'"),
            many(1_500, "")
        );
        let cut = limit_attributes(&page);
        let kept = cut.matches("=").count();
        assert_eq!(kept, 3 * MAX_ATTRIBUTES + 1, "the class of <p> is kept");
        assert!(cut.contains(&format!("a{}=\"v>{0}\" >text</div>", MAX_ATTRIBUTES - 1)));
        assert!(cut.contains(&format!("a{}='v>{0}' /><p class=x>", MAX_ATTRIBUTES - 1)));
        assert!(cut.ends_with(&format!("a{}=v{0} ></body>", MAX_ATTRIBUTES - 1)));
        // Bare names count too, and attributes inside raw text are not attributes.
        let bare: String = (0..2_500).map(|i| format!(" b{i}")).collect();
        let wide = format!("<x{bare}>");
        assert_eq!(
            limit_attributes(&wide).matches(" b").count(),
            MAX_ATTRIBUTES
        );
        let script = format!("<script>var s = '<x{bare}>';</script>");
        assert!(matches!(limit_attributes(&script), Cow::Borrowed(_)));
        let ordinary = format!("<div class=a id=b>{}</div>", "<p>text".repeat(2_000));
        assert!(matches!(limit_attributes(&ordinary), Cow::Borrowed(_)));
    }

    #[test]
    fn truncated_markup_does_not_panic() {
        for page in [
            "<",
            "</",
            "<!--",
            "<a href='",
            "<script>",
            "<div",
            "</div",
            "<!x",
            "<?",
        ] {
            let deep = format!("{}{page}", "<div>".repeat(MAX_DEPTH + 5));
            let _ = limit_depth(&deep);
            let _ = limit_depth(page);
            let wide = format!("<div{}{page}", " a=\"x".repeat(MAX_ATTRIBUTES + 5));
            let _ = limit_attributes(&wide);
            let _ = limit_attributes(&format!("<div{}{page}", " a".repeat(MAX_ATTRIBUTES + 5)));
        }
    }
}
