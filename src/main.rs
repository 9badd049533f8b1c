//! The `rapport` command: `serve`, `assess`, `replay`, `eval`, `eval-intents`, `config` and
//! `hash-token`.

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

#[derive(Parser)]
#[command(
    version,
    about = "Streaming sentiment and escalation signals for chatbot conversations",
    after_help = "Every configuration key can be set by `--set section.key=value` or the environment \
variable RAPPORT_SECTION__KEY (e.g. RAPPORT_NLU__BATCH__MAX_BATCH=16); precedence: \
flag > environment > file > default. `rapport config` prints the result."
)]
struct Args {
    /// TOML configuration; built-in defaults when absent.
    #[arg(long, short, global = true, env = "RAPPORT_CONFIG")]
    config: Option<PathBuf>,
    /// Sets any configuration key over the file and the environment (repeatable).
    #[arg(long = "set", global = true, value_name = "SECTION.KEY=VALUE")]
    set: Vec<String>,
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
    /// Measure escalation quality on human-labelled dialogues (JSON lines).
    Eval(cli::eval::EvalArgs),
    /// Measure the explicit requests `Assess` recognises on labelled examples (JSON lines):
    /// the cues, the model alone and the patterns alone.
    EvalIntents(cli::eval_intents::EvalIntentsArgs),
    /// Print the SHA-256 hex of a token read from stdin, for `[[auth.tokens]] sha256`.
    HashToken,
    /// Print the effective configuration (file, environment and flags) as TOML, secrets masked.
    Config,
}

fn main() -> ExitCode {
    let matches = cli::flags::augment(Args::command()).get_matches();
    let args = Args::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    // eval fires thousands of signals: their log lines would bury the report.
    let default_filter = match args.command {
        Command::Eval(_) | Command::EvalIntents(_) => "warn",
        _ => "info,ort=warn",
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_filter)),
        )
        .with_writer(std::io::stderr)
        // Colour codes only on a terminal: a pod's log or a file gets plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    if let Command::HashToken = args.command {
        return exit(cli::hash_token::run());
    }
    let result = cli::flags::overrides(&matches, &args.set).and_then(|overrides| {
        let config = rapport::config::Config::layered(args.config.as_deref(), &overrides)?;
        if let Command::Config = args.command {
            print!("{}", rapport::config::show::effective_toml(&config)?);
            return Ok(());
        }
        let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
        runtime.block_on(async {
            match args.command {
                Command::Serve => cli::serve::run(config, args.config).await,
                Command::Assess { text, language } => {
                    cli::assess::run(config, &text, language.as_deref()).await
                }
                Command::Replay { file, verbose } => cli::replay::run(config, &file, verbose).await,
                Command::Eval(eval) => cli::eval::run(config, eval).await,
                Command::EvalIntents(eval) => cli::eval_intents::run(config, eval).await,
                Command::HashToken => unreachable!("handled before the config is read"),
                Command::Config => Ok(()),
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
