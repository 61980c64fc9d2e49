//! A driver for profilers: evaluates one launch of a generated workload in a loop.
//!
//! ```text
//! cargo build --profile bench -p jitaccess-benches --example profile
//! valgrind --tool=callgrind --toggle-collect='jitaccess::matcher::CompiledPolicy::evaluate' \
//!     target/release/examples/profile 100000 miss 20000
//! callgrind_annotate --inclusive=yes callgrind.out.<pid>
//! ```
//!
//! Arguments: the number of rules (default 100000), the launch (`miss` or a hit name:
//! `verified-exe`, `file-hash`, `folder`, `deny`; default `miss`) and the number of
//! evaluations (default 1000000).

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use jitaccess::Policy;
use jitaccess_benches::{at, generate};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let n = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000_usize);
    let which = args.next().unwrap_or_else(|| "miss".into());
    let rounds = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000_u32);
    let w = generate(n);
    let compiled = match Policy::from_document(w.document) {
        Ok(p) => p.compile(),
        Err(e) => {
            eprintln!("the generated policy does not load: {e}");
            return ExitCode::FAILURE;
        }
    };
    let launch = if which == "miss" {
        w.miss
    } else if let Some(h) = w.hits.into_iter().find(|h| h.name == which) {
        h.launch
    } else {
        eprintln!("unknown launch {which}: expected miss, verified-exe, file-hash, folder or deny");
        return ExitCode::FAILURE;
    };
    let at = at();
    let start = Instant::now();
    for _ in 0..rounds {
        black_box(compiled.evaluate(black_box(&launch), at).ok());
    }
    eprintln!(
        "{n} rules, {which}: {:?} per evaluate",
        start.elapsed() / rounds.max(1)
    );
    ExitCode::SUCCESS
}
