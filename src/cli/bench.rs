//! `bench`, `bench-load`, `bench-report`: the benchmarks the project ships.

/// The benchmarks' defaults, shared by `bench` and the commands it runs (the lists are written
/// out again as text for clap, so that `--help` shows them as they are typed; a test keeps the
/// two the same).
pub const LOAD_CONCURRENCY: [usize; 3] = [1, 8, 64];
pub const LOAD_COMPLETIONS: usize = 10_000;
pub const REPORT_SIZES: [u64; 3] = [10_000, 100_000, 1_000_000];
pub const REPORT_RUNS: usize = 50;

#[derive(clap::Args)]
pub struct BenchReportArgs {
    /// Numbers of stored responses to time the report at.
    #[arg(long, value_delimiter = ',', default_value = "10000,100000,1000000")]
    pub sizes: Vec<u64>,
    /// Timed runs at each size.
    #[arg(long, default_value_t = REPORT_RUNS)]
    pub runs: usize,
    /// Use databases on this PostgreSQL server instead of SQLite files.
    #[arg(long)]
    postgres: Option<String>,
}

#[derive(clap::Args)]
pub struct BenchArgs {
    /// Also run both on fresh databases on this PostgreSQL server (SQLite always runs).
    #[arg(long)]
    postgres: Option<String>,
}

#[derive(clap::Args)]
pub struct BenchLoadArgs {
    /// Concurrent simulated browsers, one run each.
    #[arg(long, value_delimiter = ',', default_value = "1,8,64")]
    pub concurrency: Vec<usize>,
    /// Completions at each concurrency.
    #[arg(long, default_value_t = LOAD_COMPLETIONS)]
    pub completions: usize,
    /// Also run on a fresh database on this PostgreSQL server.
    #[arg(long)]
    postgres: Option<String>,
}

pub fn report(args: &BenchReportArgs) -> anyhow::Result<()> {
    crate::bench::report::run_and_print(&args.sizes, args.runs, args.postgres.as_deref())
}

pub fn load(args: &BenchLoadArgs) -> anyhow::Result<()> {
    crate::bench::load::run_and_print(
        &args.concurrency,
        args.completions,
        args.postgres.as_deref(),
    )
}

pub fn both(args: &BenchArgs) -> anyhow::Result<()> {
    let postgres = args.postgres.as_deref();
    println!("== completions through the real server");
    crate::bench::load::run_and_print(&LOAD_CONCURRENCY, LOAD_COMPLETIONS, postgres)?;
    println!("== the team report as stored responses grow, SQLite");
    crate::bench::report::run_and_print(&REPORT_SIZES, REPORT_RUNS, None)?;
    if let Some(postgres) = postgres {
        println!("== the team report as stored responses grow, PostgreSQL");
        crate::bench::report::run_and_print(&REPORT_SIZES, REPORT_RUNS, Some(postgres))?;
    }
    Ok(())
}
