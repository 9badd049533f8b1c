//! The `rapport` command: `serve`, `assess` and `replay`.

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
    Assess {
        text: String,
        /// The text's language (BCP-47), if known; detected otherwise.
        #[arg(long)]
        language: Option<String>,
    },
    /// Push recorded conversations (JSON lines) through the pipeline and print the signals.
    Replay {
        file: PathBuf,
        /// Also print every customer turn's assessment (to stderr).
        #[arg(long)]
        verbose: bool,
    },
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
    let result = rapport::config::Config::load(args.config.as_deref()).and_then(|config| {
        let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
        runtime.block_on(async {
            match args.command {
                Command::Serve => cli::serve::run(config).await,
                Command::Assess { text, language } => {
                    cli::assess::run(config, &text, language.as_deref()).await
                }
                Command::Replay { file, verbose } => cli::replay::run(config, &file, verbose).await,
            }
        })
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("rapport: {error}");
            ExitCode::FAILURE
        }
    }
}
