//! The config loader must never panic, whatever the file says, and every error it gives must
//! point at a line of that file; whatever it accepts must be within the documented bounds.
//!
//! CI runs a few hundred cases; a long run is the same test for a given time:
//! `FEEDGEN_FUZZ_SECONDS=600 cargo test --release --test fuzz_config -- --nocapture`
//! (each generator gets that long), or with more cases: `FEEDGEN_FUZZ_CASES=…`.

mod common;

use std::path::Path;

use feedgen::config::{limits, Config, ConfigError};
use proptest::prelude::*;

/// A config using every key, the starting point of the mutations.
const RICH: &str = r#"output_dir = "out"
base_url = "https://feeds.example/"
timeout_secs = 20
max_bytes = 1000000
max_redirects = 5
user_agent = "test"
concurrency = 8
per_host_concurrency = 2
per_host_delay_ms = 10
retries = 1
max_items = 30
formats = ["rss", "atom", "json"]
interval_minutes = 60
stylesheet = false

[[feeds]]
name = "news"
url = "https://news.example/"
title = "News"
description = "All the news"
language = "pt-BR"
site_url = "https://news.example/"
max_items = 10
formats = ["atom"]
ignore_robots = false
refresh_minutes = 30
kind = "listing"
follow = true
max_new = 5
include = ["(?i)story"]
exclude = ["sponsored"]
[feeds.select]
item = "article"
link = "a"
title = "h2"

[[feeds]]
name = "local"
urls = ["file:pages/a.html", "https://other.example/b"]
"#;

/// Pieces a hand-edited config is made of, valid, broken and hostile.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("[[feeds]]".to_string()),
        Just("[feeds.select]".to_string()),
        Just("name = \"a\"".to_string()),
        Just("name = \"A\"".to_string()),
        Just(format!("name = \"{}\"", "n".repeat(300))),
        Just("url = \"https://e.example/\"".to_string()),
        Just("url = \"file:///dev/zero\"".to_string()),
        Just("url = \"ftp://e.example/\"".to_string()),
        Just("concurrency = 18446744073709551615".to_string()),
        Just("per_host_concurrency = 9223372036854775807".to_string()),
        Just("per_host_delay_ms = 18446744073709551615".to_string()),
        Just("timeout_secs = 0".to_string()),
        Just("max_items = -1".to_string()),
        Just("language = \"en\\\" onload=\\\"x\"".to_string()),
        Just("language = \"<b>\"".to_string()),
        Just("formats = []".to_string()),
        Just("formats = [\"html\"]".to_string()),
        Just("include = [\"(unclosed\"]".to_string()),
        Just("item = \"div[\"".to_string()),
        Just("output_dir = \"\"".to_string()),
        Just("\"\"\"".to_string()),
        Just("= = =".to_string()),
        "[a-z_]{1,12} = [0-9]{1,25}",
        "[a-z_]{1,12} = \"[ -~]{0,30}\"",
        any::<String>(),
    ]
}

/// Mutations of [`RICH`]: a cut, an insertion of a fragment, or a line repeated.
fn mutated() -> impl Strategy<Value = String> {
    (0..RICH.len(), 0..RICH.len(), fragment(), 0..3u8).prop_map(|(a, b, piece, how)| {
        let (start, end) = (a.min(b), a.max(b));
        let at = |i: usize| {
            (0..=i)
                .rev()
                .find(|&j| RICH.is_char_boundary(j))
                .unwrap_or(0)
        };
        let (start, end) = (at(start), at(end));
        match how {
            0 => format!("{}{}", &RICH[..start], &RICH[end..]),
            1 => format!("{}\n{piece}\n{}", &RICH[..start], &RICH[start..]),
            _ => format!("{}{}{}", &RICH[..end], &RICH[start..end], &RICH[end..]),
        }
    })
}

fn made_up() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..30).prop_map(|lines| lines.join("\n"))
}

/// Whatever the text, an error names a line of it, and a config that loads is in bounds.
fn check(text: String) {
    match Config::parse(&text, Path::new("/fuzz/config.toml")) {
        Err(ConfigError::Invalid { line, .. }) => {
            let lines = text.lines().count().max(1) + 1;
            assert!(
                (1..=lines).contains(&line),
                "line {line} outside 1..={lines}"
            );
        }
        Err(other) => panic!("parse of text gave a non-config error: {other}"),
        Ok(config) => {
            assert!((1..=limits::MAX_CONCURRENCY).contains(&config.concurrency));
            assert!(config.fetch.per_host_concurrency <= limits::MAX_PER_HOST_CONCURRENCY);
            assert!(
                config.fetch.per_host_delay.as_millis() <= limits::MAX_PER_HOST_DELAY_MS.into()
            );
            assert!(config.fetch.timeout.as_secs() <= limits::MAX_TIMEOUT_SECS);
            let mut names: Vec<String> =
                config.feeds.iter().map(|f| f.name.to_lowercase()).collect();
            names.sort();
            names.dedup();
            assert_eq!(
                names.len(),
                config.feeds.len(),
                "names unique ignoring case"
            );
            for feed in &config.feeds {
                assert!(feed.name.len() <= limits::MAX_NAME_BYTES);
                assert!(!feed.plan.urls.is_empty());
                if let Some(language) = &feed.channel.language {
                    assert!(
                        language
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-'),
                        "{language:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn mutated_configs_never_panic_and_errors_name_a_line() {
    common::fuzz("mutated configs", mutated(), check);
}

#[test]
fn made_up_configs_never_panic_and_errors_name_a_line() {
    common::fuzz("made-up configs", made_up(), check);
}

#[test]
fn the_rich_config_itself_loads() {
    let config = Config::parse(RICH, Path::new("/fuzz/config.toml")).expect("valid");
    assert_eq!(config.feeds.len(), 2);
}
