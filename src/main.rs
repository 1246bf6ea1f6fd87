//! The `verzuim` command line; everything lives in [`verzuim::cli`].

fn main() -> std::process::ExitCode {
    verzuim::cli::main()
}
