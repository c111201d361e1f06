//! The behaviours table of tests/README.md stays true: every row names where AWS says so,
//! where the emulator reproduces it and at least one end-to-end test, and every test it
//! names exists.

use std::path::Path;

#[test]
fn every_behaviour_in_the_table_names_tests_that_exist() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(dir.join("README.md")).expect("tests/README.md");
    let table = readme
        .split("## Every AWS behaviour the provider relies on")
        .nth(1)
        .expect("the behaviours section")
        .split("\n## ")
        .next()
        .unwrap_or_default();
    let rows: Vec<Vec<&str>> = table
        .lines()
        .filter(|l| l.starts_with('|') && !l.starts_with("|---") && !l.starts_with("| Behaviour"))
        .map(|l| l.trim_matches('|').split(" | ").map(str::trim).collect())
        .collect();
    assert!(rows.len() >= 20, "{} rows", rows.len());
    for row in &rows {
        assert_eq!(row.len(), 4, "four columns: {row:?}");
        assert!(
            row.iter().all(|cell| !cell.is_empty()),
            "an empty cell: {row:?}"
        );
        let tests: Vec<&str> = row[3]
            .split('`')
            .skip(1)
            .step_by(2)
            .filter(|t| t.contains("::"))
            .collect();
        assert!(!tests.is_empty(), "no end-to-end test named: {row:?}");
        for test in tests {
            let (file, name) = test.split_once("::").expect("file::test");
            let e2e = std::fs::read_to_string(dir.join("tests").join(format!("{file}.rs")));
            let Some(source) = e2e.as_ref().ok().filter(|_| !name.contains("::")) else {
                // A unit test of the provider (`unit plan::tests::name`, `unit …::name`).
                let name = test.rsplit("::").next().unwrap_or_default();
                assert!(
                    defined_in(&dir.join("../provider/src"), &format!("fn {name}(")),
                    "no end-to-end file tests/{file}.rs, and no unit test {name} in provider/src (named in the behaviours table)"
                );
                continue;
            };
            assert!(
                source.contains(&format!("fn {name}(")),
                "tests/{file}.rs has no test {name} (named in the behaviours table)"
            );
        }
    }
}

/// Whether a Rust file under `dir` holds `text`.
fn defined_in(dir: &Path, text: &str) -> bool {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .any(|entry| {
            let path = entry.path();
            if path.is_dir() {
                defined_in(&path, text)
            } else {
                path.extension().is_some_and(|e| e == "rs")
                    && std::fs::read_to_string(&path).is_ok_and(|s| s.contains(text))
            }
        })
}
