//! The `verzuim` command line; everything lives in [`verzuim::cli`].

/// mimalloc instead of the system allocator: a run allocates and frees
/// millions of small records across two threads (reading, evaluating),
/// where glibc's malloc spent about 40 % of a `--sorted` run (measured in
/// docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    verzuim::cli::main()
}
