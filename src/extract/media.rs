//! The article's lead image: declared, the body's first image, or a figure between the
//! headline and the body.

use url::Url;

use super::dom::Dom;
use super::headline::{SideMatter, META_WINDOW};
use super::metadata::Declared;
use super::render::{self, Body};

/// The lead image: the declared one (never a `mailto:`), else the body's first image, else
/// a figure between the headline and the body.
pub(crate) fn choose_image(
    dom: &Dom,
    declared: &Declared,
    body: &Body,
    headline: Option<usize>,
    roots: Option<&[usize]>,
    base: &Url,
) -> Option<Url> {
    declared
        .image
        .as_deref()
        .and_then(|i| render::absolute(base, i))
        .filter(|u| u.scheme() != "mailto")
        .or_else(|| body.first_image.clone())
        .or_else(|| lead_image(dom, headline, roots, base))
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

#[cfg(test)]
mod tests {
    use crate::extract::test_pages::article;

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
}
