//! The named configuration flags (`--listen`, `--model-dir`, …) on the clap command, and the
//! overrides they and `--set` make. A named flag's environment variable is shown in `--help`
//! but read by the environment layer, so a flag given on the command line always wins.

use clap::parser::ValueSource;
use clap::{Arg, ArgMatches, Command};
use rapport::config::flags::FLAGS;
use rapport::config::overrides::{self, Origin, Override};

/// Adds every named flag, global, to `command`.
pub fn augment(mut command: Command) -> Command {
    for flag in FLAGS {
        command = command.arg(
            Arg::new(flag.long)
                .long(flag.long)
                .global(true)
                .value_name("VALUE")
                // Leaked once per flag at start-up: clap wants a 'static name.
                .env(&*Box::leak(overrides::env_name(flag.path).into_boxed_str()))
                .help(format!("{} (key {})", flag.help, flag.path))
                .help_heading("Configuration"),
        );
    }
    command
}

/// All overrides, lowest precedence first: environment, `--set`, named flags.
pub fn overrides(matches: &ArgMatches, sets: &[String]) -> Result<Vec<Override>, String> {
    let mut all = overrides::from_env(std::env::vars());
    for set in sets {
        all.push(overrides::from_set(set)?);
    }
    for flag in FLAGS {
        if matches.value_source(flag.long) != Some(ValueSource::CommandLine) {
            continue;
        }
        if let Some(value) = matches.get_one::<String>(flag.long) {
            all.push(Override {
                path: flag.path.into(),
                value: value.clone(),
                origin: Origin::Flag(format!("--{}", flag.long)),
            });
        }
    }
    Ok(all)
}
