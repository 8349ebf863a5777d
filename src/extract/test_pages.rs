//! Pages the field tests extract: a headline, the given markup, and an article body.

use chrono::{DateTime, Utc};
use url::Url;

use super::{extract, Article};

pub(crate) fn at_fetch() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2024-07-17T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

pub(crate) fn page(body: &str) -> String {
    format!(
        "<html><head><title>Headline here</title></head><body><div class=wrap>{body}\
         <div class=content><p>{}</p><p>{}</p></div></div></body></html>",
        "A paragraph of the article body, long enough to be chosen, with commas, and more words. "
            .repeat(3),
        "Another paragraph of the same article body, also long enough, with commas, and words. "
            .repeat(3),
    )
}

pub(crate) fn article(body: &str, at: &str) -> Article {
    extract(&page(body), &Url::parse(at).unwrap(), at_fetch()).unwrap()
}

pub(crate) fn page_with_head(start: &str) -> String {
    format!(
        "{start}<div class=content><p>{}</p><p>{}</p></div></body></html>",
        "A paragraph of the article body, long enough to be chosen, with commas, and more words. "
            .repeat(3),
        "Another paragraph of the same article body, also long enough, with commas, and words. "
            .repeat(3),
    )
}
