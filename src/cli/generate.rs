//! `ewarong generate man|completions --out DIR` (hidden, for packagers): man pages from the
//! command-line definition (clap_mangen), and bash, zsh and fish completions (clap_complete).

use super::*;
use clap::CommandFactory;

/// What to generate.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum What {
    /// `ewarong.1` and one page per subcommand (`ewarong-sale.1`, …).
    Man,
    /// `ewarong.bash`, `_ewarong` (zsh) and `ewarong.fish`.
    Completions,
}

pub(super) fn run(ctx: &mut Ctx<'_>, what: What, out: &Path) -> Result<(), CliError> {
    std::fs::create_dir_all(out).map_err(|e| ctx.io(out, &e))?;
    let cmd = Cli::command();
    match what {
        What::Man => clap_mangen::generate_to(cmd, out).map_err(|e| ctx.io(out, &e))?,
        What::Completions => {
            for shell in [
                clap_complete::Shell::Bash,
                clap_complete::Shell::Zsh,
                clap_complete::Shell::Fish,
            ] {
                let mut cmd = Cli::command();
                clap_complete::generate_to(shell, &mut cmd, "ewarong", out)
                    .map_err(|e| ctx.io(out, &e))?;
            }
        }
    }
    Ok(())
}
