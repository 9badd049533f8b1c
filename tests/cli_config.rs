//! `rapport config` as a process: flags beat `RAPPORT_*` variables, which beat the file, which
//! beats the defaults; named flags work after the subcommand; secrets are masked.

use std::process::Command;

fn rapport(args: &[&str], env: &[(&str, &str)]) -> (bool, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rapport"));
    command.args(args).env_remove("RAPPORT_CONFIG");
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn flags_beat_variables_beat_the_file_and_secrets_are_masked() {
    let file = std::env::temp_dir().join(format!("rapport-cli-{}.toml", std::process::id()));
    std::fs::write(
        &file,
        "[server]\nlisten = \"127.0.0.1:1001\"\nmetrics_listen = \"127.0.0.1:1002\"\n\
         [store]\ncapacity = 11\nidle_ttl_secs = 12\n\
         [[signals.webhooks]]\nurl = \"http://127.0.0.1:9/hook\"\nsecret = \"hunter2\"\n",
    )
    .unwrap();
    let (ok, out, err) = rapport(
        &[
            "--config",
            file.to_str().unwrap(),
            "config",
            "--listen",
            "0.0.0.0:50051",
            "--set",
            "nlu.batch.max_batch=7",
        ],
        &[
            ("RAPPORT_SERVER__LISTEN", "127.0.0.1:2001"),
            ("RAPPORT_SERVER__METRICS_LISTEN", "127.0.0.1:2002"),
            ("RAPPORT_STORE__CAPACITY", "21"),
        ],
    );
    assert!(ok, "{err}");
    let config: toml::Table = toml::from_str(&out).unwrap();
    assert_eq!(
        config["server"]["listen"].as_str(),
        Some("0.0.0.0:50051"),
        "flag"
    );
    assert_eq!(
        config["server"]["metrics_listen"].as_str(),
        Some("127.0.0.1:2002"),
        "env"
    );
    assert_eq!(
        config["store"]["capacity"].as_integer(),
        Some(21),
        "env over file"
    );
    assert_eq!(
        config["store"]["idle_ttl_secs"].as_integer(),
        Some(12),
        "file"
    );
    assert_eq!(
        config["nlu"]["batch"]["max_batch"].as_integer(),
        Some(7),
        "--set"
    );
    assert_eq!(
        config["nlu"]["batch"]["max_batch_tokens"].as_integer(),
        Some(4096),
        "default"
    );
    assert_eq!(
        config["signals"]["webhooks"][0]["secret"].as_str(),
        Some("***")
    );
    assert!(!out.contains("hunter2"));
    std::fs::remove_file(file).unwrap();
}

#[test]
fn an_unknown_key_from_any_layer_is_an_error() {
    let (ok, _, err) = rapport(&["config"], &[("RAPPORT_STORE__CAPACTY", "3")]);
    assert!(!ok && err.contains("capacty"), "{err}");
    let (ok, _, err) = rapport(&["config", "--set", "server.lisen=x"], &[]);
    assert!(!ok && err.contains("lisen"), "{err}");
}

#[test]
fn the_admin_listener_and_tracing_are_set_like_any_key_and_checked() {
    let (ok, out, err) = rapport(
        &[
            "config",
            "--metrics-listen",
            "",
            "--otlp-endpoint",
            "http://127.0.0.1:4318",
        ],
        &[("RAPPORT_TRACING__SAMPLE_RATIO", "0.25")],
    );
    assert!(ok, "{err}");
    let config: toml::Table = toml::from_str(&out).unwrap();
    assert_eq!(config["server"]["metrics_listen"].as_str(), Some(""), "off");
    assert_eq!(
        config["tracing"]["otlp_endpoint"].as_str(),
        Some("http://127.0.0.1:4318")
    );
    assert_eq!(config["tracing"]["sample_ratio"].as_float(), Some(0.25));

    let (ok, _, err) = rapport(
        &["config", "--otlp-endpoint", "https://collector:4318"],
        &[("RAPPORT_TRACING__SAMPLE_RATIO", "2")],
    );
    assert!(!ok);
    assert!(
        err.contains("tracing.otlp_endpoint") && err.contains("tracing.sample_ratio"),
        "{err}"
    );
}
