//! The `rapport` command: `serve`, `assess`, `replay` and `hash-token`.

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    version,
    about = "Streaming sentiment and escalation signals for chatbot conversations"
)]
struct Args {
    /// TOML configuration; built-in defaults when absent.
    #[arg(long, short, global = true, env = "RAPPORT_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the gRPC server (and the Prometheus /metrics listener).
    Serve,
    /// Score one text and print the result as JSON.
    Assess { text: String },
    /// Push recorded conversations (JSON lines) through the pipeline and print the signals.
    Replay {
        file: PathBuf,
        /// Also print every customer turn's assessment (to stderr).
        #[arg(long)]
        verbose: bool,
    },
    /// Print the SHA-256 hex of a token read from stdin, for `[[auth.tokens]] sha256`.
    HashToken,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,ort=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    if let Command::HashToken = args.command {
        return exit(cli::hash_token::run());
    }
    let result = rapport::config::Config::load(args.config.as_deref()).and_then(|config| {
        let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
        runtime.block_on(async {
            match args.command {
                Command::Serve => cli::serve::run(config, args.config).await,
                Command::Assess { text } => cli::assess::run(config, &text).await,
                Command::Replay { file, verbose } => cli::replay::run(config, &file, verbose).await,
                Command::HashToken => unreachable!("handled before the config is read"),
            }
        })
    });
    exit(result)
}

fn exit(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("rapport: {error}");
            ExitCode::FAILURE
        }
    }
}
