//! The `crt-feedback` command: parse arguments, hand over to the library.

fn main() -> std::process::ExitCode {
    crt_feedback::cli::main()
}
