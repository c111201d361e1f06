//! ARCHITECTURE.md's arrows stay true: no module of the library, nor of the CLI, uses a
//! module that uses it back (directly or through others). A module's uses are the
//! `crate::…` paths in its files, tests and fakes left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

#[test]
fn the_library_has_no_module_cycles() {
    let src = cfclone_e2e::workspace_dir().join("provider/src");
    assert_no_cycles(&src, &["lib.rs", "main.rs", "test_support.rs", "bin"]);
}

#[test]
fn the_cli_has_no_module_cycles() {
    let src = cfclone_e2e::workspace_dir().join("provider/src/bin/cfclone");
    assert_no_cycles(&src, &["main.rs"]);
}

fn assert_no_cycles(src: &Path, skip: &[&str]) {
    let uses = uses(src, skip);
    assert!(
        uses.len() >= 3,
        "modules found in {}: {uses:?}",
        src.display()
    );
    for start in uses.keys() {
        if let Some(path) = back_to(start, start, &uses, &mut BTreeSet::new()) {
            panic!("a module cycle: {start} -> {}", path.join(" -> "));
        }
    }
}

/// A path of uses from `from` that leads back to `start`, if there is one.
fn back_to(
    start: &str,
    from: &str,
    uses: &BTreeMap<String, BTreeSet<String>>,
    seen: &mut BTreeSet<String>,
) -> Option<Vec<String>> {
    for next in &uses[from] {
        if next == start {
            return Some(vec![next.clone()]);
        }
        if seen.insert(next.clone())
            && let Some(mut path) = back_to(start, next, uses, seen)
        {
            path.insert(0, next.clone());
            return Some(path);
        }
    }
    None
}

/// Each top-level module of `src` (a `name.rs`, a `name/` directory, or both) and the other
/// top-level modules its files name as `crate::name`.
fn uses(src: &Path, skip: &[&str]) -> BTreeMap<String, BTreeSet<String>> {
    let mut files: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for entry in std::fs::read_dir(src).expect("the source directory") {
        let path = entry.expect("an entry").path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if skip.contains(&name.as_str()) {
            continue;
        }
        let module = name.trim_end_matches(".rs").to_owned();
        if path.is_dir() {
            files.entry(module).or_default().extend(rust_files(&path));
        } else if name.ends_with(".rs") {
            files.entry(module).or_default().push(path);
        }
    }
    let names: BTreeSet<String> = files.keys().cloned().collect();
    files
        .iter()
        .map(|(module, paths)| {
            let mut used = BTreeSet::new();
            for path in paths {
                let text = std::fs::read_to_string(path).expect("a source file");
                let code = text
                    .split("#[cfg(test)]\nmod tests")
                    .next()
                    .unwrap_or_default();
                for name in crate_paths(code) {
                    if names.contains(&name) && name != *module {
                        used.insert(name);
                    }
                }
            }
            (module.clone(), used)
        })
        .collect()
}

/// The Rust files under `dir`, its tests and fakes left out.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("a source directory") {
        let path = entry.expect("an entry").path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name == "tests" || name == "tests.rs" || name == "fake" {
            continue;
        }
        if path.is_dir() {
            found.extend(rust_files(&path));
        } else if name.ends_with(".rs") {
            found.push(path);
        }
    }
    found
}

/// The first segment after each `crate::` in `code` (comments left out), including each
/// name of a `crate::{a, b::c}` group.
fn crate_paths(code: &str) -> Vec<String> {
    let code: String = code
        .lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    let mut names = Vec::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // The group's items at its own level: `a::{b, c}` is one item, `a`.
            let (mut depth, mut item) = (0, 0);
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth > 0 => depth -= 1,
                    ',' | '}' if depth == 0 => {
                        names.push(first_segment(group[item..j].trim()));
                        item = j + 1;
                        if c == '}' {
                            break;
                        }
                    }
                    _ => {}
                }
            }
        } else {
            names.push(first_segment(rest));
        }
    }
    names.retain(|n| !n.is_empty());
    names
}

fn first_segment(path: &str) -> String {
    path.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

#[test]
fn a_cycle_is_found_when_there_is_one() {
    let uses: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(m, to)| (m.into(), to.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(
        back_to("a", "a", &uses, &mut BTreeSet::new()),
        Some(vec!["b".into(), "c".into(), "a".into()])
    );
    assert_eq!(back_to("d", "d", &uses, &mut BTreeSet::new()), None);
    assert_eq!(
        crate_paths(
            "use crate::{render::{fail, pretty}, fleet};\nlet x = crate::cli::X; // crate::no"
        ),
        ["render", "fleet", "cli"]
    );
}
