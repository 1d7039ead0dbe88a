//! The `crt-feedback` command: parse arguments, hand over to the library.

/// Answering a questionnaire allocates many small, short-lived strings (form fields, template
/// values, SQL binds); mimalloc serves those faster than the system allocator, measured with
/// `crt-feedback bench-load` (see the README).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    crt_feedback::cli::main()
}
