//! Memory and allocations of a generated 100 000-rule policy, and per-call latency percentiles.
//!
//! A counting global allocator tracks the live heap bytes, the peak and the number of
//! allocation calls. Printed:
//!
//! - heap bytes of the loaded `Policy`, of the `CompiledPolicy` (alone, after the `Policy` and
//!   the document are dropped), and the peak while loading and compiling;
//! - allocation calls and bytes per `evaluate` after warm-up, for the miss and each hit;
//! - per-call latency percentiles (each call timed with `Instant`, timer overhead printed).
//!
//! Run with `cargo bench -p jitaccess-benches --bench footprint`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

use jitaccess::{CompiledPolicy, Launch, Policy};
use jitaccess_benches::{at, generate, to_yaml};

/// Counts live bytes, the peak of live bytes and allocation calls.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static CALLS: AtomicUsize = AtomicUsize::new(0);

fn grow(n: usize) {
    ALLOCATED.fetch_add(n, Relaxed);
    let now = LIVE.fetch_add(n, Relaxed) + n;
    PEAK.fetch_max(now, Relaxed);
    CALLS.fetch_add(1, Relaxed);
}

// A global allocator needs `unsafe impl`: the benches crate is not `forbid(unsafe_code)`, and
// this wrapper only forwards to `System` with the caller's own arguments.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grow(layout.size());
        // SAFETY: forwarded unchanged; the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        grow(layout.size());
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        // SAFETY: `ptr` was allocated by `System` with `layout` (every path above forwards).
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_sub(layout.size(), Relaxed);
        grow(new_size);
        // SAFETY: as for `dealloc`; `new_size` comes from the caller.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const N: usize = 100_000;

fn mb(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

fn reset_peak() -> usize {
    let live = LIVE.load(Relaxed);
    PEAK.store(live, Relaxed);
    live
}

/// Allocation calls and bytes per evaluation, after a warm-up.
fn allocations(compiled: &CompiledPolicy, launch: &Launch) -> (f64, f64) {
    let at = at();
    for _ in 0..1000 {
        black_box(compiled.evaluate(launch, at).ok());
    }
    const ROUNDS: usize = 10_000;
    let calls = CALLS.load(Relaxed);
    let bytes_before = total_allocated();
    for _ in 0..ROUNDS {
        black_box(compiled.evaluate(black_box(launch), at).ok());
    }
    let calls = CALLS.load(Relaxed) - calls;
    let bytes = total_allocated() - bytes_before;
    (calls as f64 / ROUNDS as f64, bytes as f64 / ROUNDS as f64)
}

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);

fn total_allocated() -> usize {
    ALLOCATED.load(Relaxed)
}

/// Per-call latency percentiles in nanoseconds: p50, p90, p99, p99.9.
fn latency(compiled: &CompiledPolicy, launch: &Launch) -> [u128; 4] {
    let at = at();
    const CALLS_N: usize = 200_000;
    for _ in 0..10_000 {
        black_box(compiled.evaluate(launch, at).ok());
    }
    let mut t = Vec::with_capacity(CALLS_N);
    for _ in 0..CALLS_N {
        let start = Instant::now();
        black_box(compiled.evaluate(black_box(launch), at).ok());
        t.push(start.elapsed().as_nanos());
    }
    t.sort_unstable();
    let pct = |p: usize| t.get(CALLS_N * p / 1000).copied().unwrap_or(0);
    [pct(500), pct(900), pct(990), pct(999)]
}

/// Resident set size of this process, from `/proc/self/status` (Linux only).
fn rss() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn timer_overhead() -> u128 {
    let mut t: Vec<u128> = (0..100_000)
        .map(|_| {
            let start = Instant::now();
            black_box(());
            start.elapsed().as_nanos()
        })
        .collect();
    t.sort_unstable();
    t.get(t.len() / 2).copied().unwrap_or(0)
}

fn main() -> Result<(), jitaccess::PolicyErrors> {
    // Criterion-style arguments (`--bench`) are ignored.
    let w = generate(N);
    let (document, hits, miss) = (w.document, w.hits, w.miss);
    let yaml = to_yaml(&document);
    println!(
        "policy: {N} rules, {} privilege lists, YAML {}",
        document.privilege_lists.len(),
        mb(yaml.len())
    );

    let before = LIVE.load(Relaxed);
    let copy = document.clone();
    let doc_bytes = LIVE.load(Relaxed) - before;
    drop(copy);
    println!(
        "the PolicyDocument alone: {} (size_of Application {} B, Pattern {} B)",
        mb(doc_bytes),
        size_of::<jitaccess::policy::Application>(),
        size_of::<jitaccess::pattern::Pattern>()
    );

    let rss_before = rss();
    let base = reset_peak();
    let start = Instant::now();
    let policy = Policy::from_yaml(&yaml)?;
    let load_time = start.elapsed();
    println!(
        "load from YAML: {:.0} ms; the Policy holds {}; peak while loading {}",
        load_time.as_secs_f64() * 1e3,
        mb(LIVE.load(Relaxed) - base),
        mb(PEAK.load(Relaxed) - base)
    );
    println!("lint warnings: {}", policy.lint().len());
    let before = LIVE.load(Relaxed);
    let copy = policy.clone();
    println!(
        "a clone of the Policy (the compiled policy keeps one): {}",
        mb(LIVE.load(Relaxed) - before)
    );
    drop(copy);

    let before = reset_peak();
    let start = Instant::now();
    let compiled = policy.compile();
    let compile_time = start.elapsed();
    println!(
        "compile: {:.0} ms; new heap {}; peak while compiling {}",
        compile_time.as_secs_f64() * 1e3,
        mb(LIVE.load(Relaxed) - before),
        mb(PEAK.load(Relaxed) - before)
    );
    // What a host keeps: the compiled policy only (it holds its own copy of the Policy).
    drop(policy);
    println!(
        "compiled policy alone (Policy dropped): {} requested from the allocator; process RSS grew by {} since before loading",
        mb(LIVE.load(Relaxed) - base),
        rss()
            .zip(rss_before)
            .map_or_else(|| "?".into(), |(a, b)| mb(a.saturating_sub(b)))
    );

    println!("allocations per evaluate after warm-up ({N} rules):");
    let (calls, bytes) = allocations(&compiled, &miss);
    println!("  miss: {calls:.2} allocation calls, {bytes:.0} bytes");
    for h in &hits {
        let (calls, bytes) = allocations(&compiled, &h.launch);
        println!(
            "  {}: {calls:.2} allocation calls, {bytes:.0} bytes",
            h.name
        );
    }

    println!(
        "per-call latency, ns (includes the timer overhead of about {} ns):",
        timer_overhead()
    );
    for n in [100, 10_000, N] {
        let (compiled, hits, miss) = if n == N {
            (compiled.clone(), hits.clone(), miss.clone())
        } else {
            let w = generate(n);
            let c = Policy::from_document(w.document)?.compile();
            (c, w.hits, w.miss)
        };
        for (name, launch) in hits
            .iter()
            .map(|h| (h.name, &h.launch))
            .chain([("miss", &miss)])
        {
            let [p50, p90, p99, p999] = latency(&compiled, launch);
            println!(
                "  {n:>6} rules  {name:<13} p50 {p50:>5}  p90 {p90:>5}  p99 {p99:>5}  p99.9 {p999:>6}"
            );
        }
    }
    Ok(())
}
