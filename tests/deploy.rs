//! The deployment files, checked with what runs without a Docker engine: the Dockerfile's
//! stages and the files it copies, and `docker-compose config` on the compose file.

use std::path::Path;
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn dockerfile_is_multi_stage_and_copies_files_that_exist() {
    let dockerfile = std::fs::read_to_string(root().join("Dockerfile")).expect("Dockerfile");
    let stages: Vec<&str> = dockerfile.lines().filter(|l| l.starts_with("FROM ")).collect();
    assert_eq!(stages.len(), 2, "{stages:?}");
    assert!(stages[0].ends_with(" AS build"), "{}", stages[0]);
    for line in dockerfile.lines().filter(|l| l.starts_with("COPY ") && !l.contains("--from=")) {
        let parts: Vec<&str> = line.split_whitespace().collect();
        for source in &parts[1..parts.len() - 1] {
            assert!(root().join(source).exists(), "Dockerfile copies missing {source}");
        }
    }
    assert!(dockerfile.contains("COPY --from=build /src/target/release/entente"));
    assert!(dockerfile.contains("ENTENTE_DB=/data/entente.db"));
}

#[test]
fn compose_file_is_valid_and_serves_on_loopback_with_a_volume() {
    let output = Command::new("docker-compose")
        .args(["-f", "docker-compose.yml", "config"])
        .current_dir(root())
        .output()
        .expect("docker-compose runs (scripts/setup installs it)");
    let config = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "docker-compose config failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(config.contains("127.0.0.1:8080:8080") || config.contains("host_ip: 127.0.0.1"), "{config}");
    assert!(config.contains("/data"), "{config}");
    assert!(config.contains("entente-data"), "{config}");
}
