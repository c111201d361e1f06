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
            let source = std::fs::read_to_string(dir.join("tests").join(format!("{file}.rs")))
                .unwrap_or_else(|e| panic!("tests/{file}.rs: {e}"));
            assert!(
                source.contains(&format!("fn {name}(")),
                "tests/{file}.rs has no test {name} (named in the behaviours table)"
            );
        }
    }
}
