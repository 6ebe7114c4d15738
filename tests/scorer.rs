//! The shared reference scorer, with the floors the project holds: on the seeds (against the
//! shared reference annotation) and on our own wire-style test articles in `tests/articles`
//! (against `tests/articles/gold.json`, annotated by hand). It runs the real binary
//! (`entente import` then `entente export`), as CI and users do.

use std::path::Path;
use std::process::Command;

/// Floors on the seeds; raise them as extraction improves, never lower them.
const FLOORS: [&str; 9] = [
    "published=1.0",
    "person_recall=1.0",
    "person_precision=0.95",
    "quote_recall=0.95",
    "attribution=0.95",
    "quote_precision=0.9",
    "event_recall=0.9",
    "event_precision=0.8",
    "topics=1.0",
];

fn score(gold: &Path, articles: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let eval = root.join("../shared/eval");
    assert!(
        eval.join("score.py").is_file(),
        "the scorer is expected at {} (shared/ beside the repository)",
        eval.display()
    );
    let mut cmd = Command::new("python3");
    cmd.arg(eval.join("score.py"))
        .arg("--gold")
        .arg(gold)
        .arg("--bin")
        .arg(env!("CARGO_BIN_EXE_entente"))
        .arg("--articles")
        .arg(articles)
        .current_dir(root);
    for floor in FLOORS {
        cmd.arg("--min").arg(floor);
    }
    let output = cmd.output().expect("python3 runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "scorer below the floors or failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn seeds_score_above_the_floors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    score(&root.join("../shared/eval/gold/seeds.json"), &root.join("seeds"));
}

#[test]
fn own_test_articles_score_above_the_floors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    score(&root.join("tests/articles/gold.json"), &root.join("tests/articles"));
}
