//! The library's imports run one way, down the data path: a stage may use the stages below
//! it and the shared ground, never one above it or beside it, and no two files of a stage
//! use each other. Read off the source text, so a new upward `use` fails here before it
//! grows into a knot.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top to bottom. A module may import only modules of a later row; modules of one row
/// never import each other.
const LAYERS: &[&[&str]] = &[
    &["run"],
    &["config"],
    &["source"],
    &["store"],
    &["feed"],
    &["extract", "fetch"],
    &["link", "clock", "html"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|row| row.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `extract::render` for `src/extract/render.rs`, `extract` for `src/extract/mod.rs`.
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The code a file ships, without its unit tests (which may reach anywhere).
fn shipped_code(text: &str) -> &str {
    text.find("#[cfg(test)]\nmod tests")
        .map_or(text, |i| &text[..i])
}

/// Every module path a file names: `crate::a::b`, `super::b`, and the names in
/// `crate::a::{b, c}` / `super::{b, c}` groups, as absolute paths of at most two parts.
fn named_modules(own: &[String], code: &str) -> BTreeSet<Vec<String>> {
    let parent: Vec<String> = own[..own.len().saturating_sub(1)].to_vec();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut found = BTreeSet::new();
    for (prefix, base) in [("crate::", Vec::new()), ("super::", parent)] {
        for (at, _) in code.match_indices(prefix) {
            let before = code[..at].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let rest = &code[at + prefix.len()..];
            let mut path = base.clone();
            let mut rest = rest;
            loop {
                if let Some(group) = rest.strip_prefix('{') {
                    let end = group.find('}').unwrap_or(group.len());
                    for name in group[..end].split(',') {
                        let name = ident(name.trim());
                        if !name.is_empty() && name != "self" {
                            let mut p = path.clone();
                            p.push(name);
                            found.insert(p);
                        }
                    }
                    break;
                }
                let name = ident(rest);
                if name.is_empty() {
                    break;
                }
                path.push(name.clone());
                rest = &rest[name.len()..];
                match rest.strip_prefix("::") {
                    Some(more) if path.len() < 2 => rest = more,
                    _ => break,
                }
            }
            if !path.is_empty() {
                found.insert(path);
            }
        }
    }
    found
        .into_iter()
        .map(|mut p| {
            p.truncate(2);
            p
        })
        .collect()
}

struct Graph {
    /// file module path → module paths it names (truncated to two parts).
    edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
}

fn graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut edges = BTreeMap::new();
    for file in files {
        let own = module_path(&src, &file);
        if own.is_empty() || own == ["lib"] || own == ["main"] {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        edges.insert(own.clone(), named_modules(&own, shipped_code(&text)));
    }
    Graph { edges }
}

#[test]
fn every_module_is_placed_in_a_layer() {
    for module in graph().edges.keys() {
        assert!(
            layer_of(&module[0]).is_some(),
            "src/{} is in no layer of tests/layers.rs: place it on the data path",
            module[0]
        );
    }
}

#[test]
fn imports_only_run_down_the_data_path() {
    let mut wrong = Vec::new();
    for (from, names) in &graph().edges {
        let Some(from_layer) = layer_of(&from[0]) else {
            continue;
        };
        for to in names {
            if to[0] == from[0] {
                continue;
            }
            match layer_of(&to[0]) {
                Some(to_layer) if to_layer > from_layer => {}
                Some(_) => wrong.push(format!("{} uses {}", from.join("::"), to.join("::"))),
                None => {} // an item of the crate root (a re-export), or not a module
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the data path:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_two_files_use_each_other() {
    let graph = graph();
    let mut knots = Vec::new();
    for (from, names) in &graph.edges {
        for to in names {
            if to == from || to.len() < from.len().min(2) {
                continue;
            }
            let back = graph
                .edges
                .get(to)
                .is_some_and(|n| n.iter().any(|t| t == from));
            if back && from < to {
                knots.push(format!("{} <-> {}", from.join("::"), to.join("::")));
            }
        }
    }
    assert!(
        knots.is_empty(),
        "modules that use each other:\n{}",
        knots.join("\n")
    );
}

#[test]
fn the_command_line_holds_no_pipeline() {
    let main =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/main.rs")).unwrap();
    for stage in ["source::", "fetch::Fetcher", "store::", "extract::extract("] {
        assert!(
            !main.contains(stage),
            "src/main.rs reaches into `{stage}`: commands call the pipeline in `run`"
        );
    }
}
