//! The article's summary: the declared description, or the opening of the body.

use super::metadata::Declared;
use super::render::Body;

/// Longest summary written into a feed entry's description.
const SUMMARY_CHARS: usize = 300;

/// The declared description, when it says anything.
pub(crate) fn description(declared: &Declared) -> Option<&str> {
    declared
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
}

/// The page's description, unless it is only a cut-off copy of the first paragraph, in which
/// case the paragraph itself reads better.
pub(crate) fn summary(description: Option<&str>, body: &Body) -> String {
    let lead = body.prose_blocks().next().unwrap_or("");
    if let Some(d) = description {
        let stem = d.trim_end_matches(['.', '…', ' ']);
        let truncated_copy = !stem.is_empty() && lead.starts_with(stem) && lead.len() > stem.len();
        if !truncated_copy {
            return d.to_string();
        }
    }
    first_words(
        &body.prose_blocks().collect::<Vec<_>>().join(" "),
        SUMMARY_CHARS,
    )
}

/// At most `max` characters, cut at a word boundary, with an ellipsis when cut.
pub(crate) fn first_words(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncated_descriptions_give_way_to_the_lead() {
        let body = Body {
            blocks: vec!["The full first paragraph, which is long.".into()],
            prose: vec![0],
            ..Body::default()
        };
        assert_eq!(
            summary(Some("The full first para"), &body),
            "The full first paragraph, which is long."
        );
        assert_eq!(summary(Some("Something else."), &body), "Something else.");
    }
}
