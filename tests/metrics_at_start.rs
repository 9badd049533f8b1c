//! Before any traffic, `/metrics` already has every metric (at zero), `rapport_build_info`
//! names the versions, and the README's metrics table lists exactly the metrics a live scrape
//! exposes, with the same types.

mod common;

use std::collections::BTreeMap;

use common::{Server, http_get};

/// `name → type` from the README's "Metrics" table.
fn readme_metrics() -> BTreeMap<String, String> {
    let readme = include_str!("../README.md");
    let section = readme
        .split("## Metrics")
        .nth(1)
        .expect("a Metrics section in README.md");
    section
        .lines()
        .skip_while(|line| !line.starts_with("| metric"))
        .skip(2)
        .take_while(|line| line.starts_with('|'))
        .map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            (cells[1].trim_matches('`').to_string(), cells[2].to_string())
        })
        .collect()
}

/// `name → type` from the `# TYPE` lines of a scrape.
fn scraped_metrics(body: &str) -> BTreeMap<String, String> {
    body.lines()
        .filter_map(|line| line.strip_prefix("# TYPE "))
        .filter_map(|rest| rest.split_once(' '))
        .map(|(name, kind)| (name.to_string(), kind.to_string()))
        .collect()
}

#[tokio::test]
async fn every_metric_is_present_at_start_and_the_readme_table_matches_a_live_scrape() {
    let server = Server::start().await;
    let admin = server.admin().await;
    let (_, body) = http_get(admin, "/metrics").await;

    let scraped = scraped_metrics(&body);
    let documented = readme_metrics();
    assert_eq!(
        documented, scraped,
        "README metrics table (left) differs from a live scrape (right)"
    );
    for name in scraped.keys() {
        let has_sample = body
            .lines()
            .any(|line| !line.starts_with('#') && line.starts_with(name.as_str()));
        assert!(has_sample, "{name} has no sample at start:\n{body}");
    }
    assert!(
        body.contains("rapport_turns_total{speaker=\"customer\",outcome=\"assessed\"} 0"),
        "{body}"
    );
    let build_info = format!(
        "rapport_build_info{{version=\"{}\",model_version=\"{}\"}} 1",
        env!("CARGO_PKG_VERSION"),
        server.pipeline.model_version()
    );
    assert!(
        body.contains(&build_info),
        "missing {build_info} in\n{body}"
    );
}
