//! Hashes one file with `jitaccess::inspect::sha256_file` and prints the digest: a small driver
//! for profiling (e.g. to see under callgrind that sha2 runs its SHA-NI backend).
//!
//! `cargo build --profile bench -p jitaccess-benches --example sha256_file`

fn main() -> std::process::ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: sha256_file FILE");
        return std::process::ExitCode::from(2);
    };
    match jitaccess::inspect::sha256_file(&path) {
        Ok(h) => {
            println!("{h}  {path}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::ExitCode::from(2)
        }
    }
}
