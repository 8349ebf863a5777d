//! The next page of an article split over several pages.

use url::Url;

use super::metadata::Declared;

/// The first declared `rel="next"` link that continues this article, resolved against `base`.
pub(crate) fn next_page(declared: &Declared, base: &Url, url: &Url) -> Option<Url> {
    declared
        .next_links
        .iter()
        .filter_map(|h| base.join(h).ok())
        .find(|next| is_continuation(url, next))
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
