//! The `entente` command; everything it does lives in the library.

fn main() -> std::process::ExitCode {
    entente::cli::main()
}
