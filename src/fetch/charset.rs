//! Decoding a response body to UTF-8 the way browsers do: BOM, then the HTTP header, then a
//! `<meta>` declaration near the top, then "valid UTF-8 or else windows-1252".

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// How far into the body a `<meta charset>` is looked for (the HTML spec's prescan uses 1024
/// bytes; real pages put long scripts first, so we look further).
const META_PRESCAN_BYTES: usize = 8 * 1024;

/// Decodes `body` to a string; malformed sequences become U+FFFD rather than failing,
/// because one bad byte must not cost a whole article.
pub fn decode(body: &[u8], header_charset: Option<&str>) -> String {
    let encoding = Encoding::for_bom(body)
        .map(|(enc, _)| enc)
        .or_else(|| header_charset.and_then(label_to_encoding))
        .or_else(|| meta_charset(&body[..body.len().min(META_PRESCAN_BYTES)]))
        .unwrap_or_else(|| {
            if std::str::from_utf8(body).is_ok() {
                UTF_8
            } else {
                WINDOWS_1252
            }
        });
    // decode() strips a BOM of the encoding it was handed.
    let (text, _, _) = encoding.decode(body);
    text.into_owned()
}

/// The `charset` parameter of a `Content-Type` header value.
pub fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches(['"', '\'']))
    })
}

fn label_to_encoding(label: &str) -> Option<&'static Encoding> {
    let enc = Encoding::for_label(label.trim().as_bytes())?;
    // A page that says UTF-16 in ASCII-compatible markup is not UTF-16 (HTML spec rule).
    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
        Some(UTF_8)
    } else {
        Some(enc)
    }
}

/// Finds `<meta charset=…>` or `<meta http-equiv=Content-Type content="…charset=…">` in the
/// first bytes of a document, by a byte scan: the document is not decoded yet.
fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(pos) = find(&lower[from..], b"<meta") {
        let start = from + pos;
        let end = lower[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(at) = find(tag, b"charset") {
            let rest = &tag[at + b"charset".len()..];
            let rest = skip_spaces(rest);
            if let Some(value) = rest.strip_prefix(b"=") {
                let label = attribute_value(skip_spaces(value));
                if let Some(enc) = std::str::from_utf8(label).ok().and_then(label_to_encoding) {
                    return Some(enc);
                }
            }
        }
        from = end;
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn skip_spaces(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &s[n..]
}

fn attribute_value(s: &[u8]) -> &[u8] {
    let s = match s.first() {
        Some(b'"') | Some(b'\'') => &s[1..],
        _ => s,
    };
    let n = s
        .iter()
        .position(|&b| matches!(b, b'"' | b'\'' | b';' | b'/' | b'>') || b.is_ascii_whitespace())
        .unwrap_or(s.len());
    &s[..n]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_http_equiv_declares_windows_1252() {
        let body = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\"></head><body>\x93 diplomasi\x94</body></html>";
        assert!(decode(body, None).contains("\u{201c} diplomasi\u{201d}"));
    }

    #[test]
    fn header_beats_meta_and_bom_beats_header() {
        let body = b"<meta charset=utf-8>caf\xe9";
        assert!(decode(body, Some("iso-8859-1")).ends_with("café"));
        let bom = b"\xef\xbb\xbfcaf\xc3\xa9";
        assert_eq!(decode(bom, Some("windows-1252")), "café");
    }

    #[test]
    fn undeclared_bytes_fall_back_to_utf8_then_windows_1252() {
        assert_eq!(decode("café".as_bytes(), None), "café");
        assert_eq!(decode(b"caf\xe9", None), "café");
    }

    #[test]
    fn charset_parameter_is_read_from_content_type() {
        assert_eq!(charset_param("text/html; charset=\"UTF-8\""), Some("UTF-8"));
        assert_eq!(charset_param("text/html"), None);
    }
}
