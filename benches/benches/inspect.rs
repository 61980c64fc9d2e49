//! SHA-256 of a 1 GiB file: `jitaccess::inspect::sha256_file` (streaming reads, sha2 with the
//! CPU's SHA instructions when present) against coreutils' `sha256sum` on the same file.
//!
//! The file is made at start-up in a temporary folder (filled with pseudo-random bytes) and
//! removed at the end; both sides read it from the page cache. `JITACCESS_BENCH_HASH_MIB` sets
//! another size in MiB. Also: `inspect` of a signed PE fixture (parse + Authenticode + chain).
//!
//! Run with `cargo bench -p jitaccess-benches --bench inspect`.

#![allow(clippy::panic)]

use std::hint::black_box;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jitaccess::inspect::{self, Options, TrustStore};

fn make_file() -> (PathBuf, u64) {
    let mib: u64 = std::env::var("JITACCESS_BENCH_HASH_MIB")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1024);
    let dir = std::env::temp_dir().join(format!("jitaccess-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let path = dir.join("big.bin");
    let mut block = vec![0u8; 1 << 20];
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut f = std::io::BufWriter::new(
        std::fs::File::create(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    );
    for _ in 0..mib {
        for chunk in block.chunks_exact_mut(8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            chunk.copy_from_slice(&x.to_le_bytes());
        }
        f.write_all(&block).unwrap_or_else(|e| panic!("write: {e}"));
    }
    f.flush().unwrap_or_else(|e| panic!("write: {e}"));
    (path, mib << 20)
}

fn sha256sum(path: &Path) -> String {
    let out = Command::new("sha256sum")
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("sha256sum: {e}"));
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}

fn bench(c: &mut Criterion) {
    let (path, bytes) = make_file();
    // Same answer from both, and the file is in the page cache before timing.
    let ours = inspect::sha256_file(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ours, sha256sum(&path), "jitaccess and sha256sum disagree");

    let mut g = c.benchmark_group("sha256");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("jitaccess::inspect::sha256_file", |b| {
        b.iter(|| black_box(inspect::sha256_file(&path).unwrap_or_default()))
    });
    g.bench_function("sha256sum (coreutils, external process)", |b| {
        b.iter(|| black_box(sha256sum(&path)))
    });
    g.finish();
    let _ = std::fs::remove_dir_all(path.parent().unwrap_or(&path));

    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/pe");
    let trust = TrustStore::from_path(fixtures.join("root.pem")).unwrap_or_else(|e| panic!("{e}"));
    let opts = Options::new().trust(trust);
    let signed = fixtures.join("signed64.exe");
    c.bench_function(
        "inspect signed64.exe (RSA-2048, 3-certificate chain)",
        |b| {
            b.iter(|| {
                let found = inspect::inspect(&signed, &opts).unwrap_or_else(|e| panic!("{e}"));
                assert!(found.launch.signer.is_some_and(|s| s.valid));
            })
        },
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
