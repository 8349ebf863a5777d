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
        if !counted(tag.name) {
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

/// Whether the estimated depth ever exceeds [`MAX_DEPTH`].
fn too_deep(html: &str) -> bool {
    // Fewer tags than the limit cannot nest deeper than it.
    if html.len() < MAX_DEPTH * 3 {
        return false;
    }
    let mut open: Vec<&[u8]> = Vec::new();
    let mut deep = false;
    scan(html, |tag| {
        if deep || !counted(tag.name) {
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

/// A start or end tag that opens or closes an element: `html[start..stop]` is the tag.
struct Tag<'h> {
    /// As written: compare with `eq_ignore_ascii_case`.
    name: &'h [u8],
    end: bool,
    start: usize,
    stop: usize,
}

/// Calls `on_tag` for every start tag that is not self-closing (`<x/>`) and every end tag,
/// in order, skipping comments, doctypes, processing instructions and raw text.
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
                    start,
                    stop,
                });
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let (name, after) = tag_name(bytes, i);
                let (stop, self_closing) = tag_end(html, after);
                i = stop;
                if RAW_TEXT
                    .iter()
                    .any(|r| r.as_bytes().eq_ignore_ascii_case(name))
                {
                    if name.eq_ignore_ascii_case(b"plaintext") {
                        return;
                    }
                    i = raw_text_end(html, i, name);
                    continue;
                }
                if !self_closing {
                    on_tag(&Tag {
                        name,
                        end: false,
                        start,
                        stop,
                    });
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
fn tag_end(html: &str, mut i: usize) -> (usize, bool) {
    let bytes = html.as_bytes();
    let mut after_equals = false;
    while i < bytes.len() {
        match bytes[i] {
            b'>' => return (i + 1, i > 0 && bytes[i - 1] == b'/'),
            b'=' => after_equals = true,
            q @ (b'"' | b'\'') if after_equals => {
                i = find_char(html, char::from(q), i + 1).unwrap_or(bytes.len());
                after_equals = false;
            }
            b if is_tag_space(b) => {}
            _ => after_equals = false,
        }
        i += 1;
    }
    (bytes.len(), false)
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
        }
    }
}
