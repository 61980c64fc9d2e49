//! The crash-test harness shared by `audit_crash.rs` and `store_crash.rs`: the test binary
//! re-executes itself as a child (one test selected with `--exact`) that prints `ACK ...` after
//! each acknowledged operation; the parent kills it with SIGKILL after a delay and reads what
//! was acknowledged.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Nanoseconds since the epoch: a seed and a unique name part.
pub fn nanos() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

/// A new empty directory under the temporary directory.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "jitaccess-{name}-{}-{}",
        std::process::id(),
        nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A small xorshift generator: the delays only need to vary.
pub struct Rng(pub u64);

impl Rng {
    /// A generator seeded from the clock.
    pub fn from_clock() -> Rng {
        Rng(nanos() as u64 | 1)
    }

    /// A number below `n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// What one killed child acknowledged.
pub struct Killed {
    /// Whether the child was killed (not exited on its own).
    pub killed: bool,
    /// The text after `ACK ` of every complete line that starts with it, in order.
    pub acks: Vec<String>,
}

/// Runs the test `child` of this binary as a child process with `envs`, kills it with SIGKILL
/// after `delay` and returns its complete `ACK` lines.
pub fn run_and_kill(child: &str, envs: &[(&str, String)], delay: Duration) -> Killed {
    let exe = std::env::current_exe().unwrap();
    let mut cmd = Command::new(&exe);
    cmd.args(["--exact", child, "--nocapture", "--test-threads=1"]);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut process = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = process.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    std::thread::sleep(delay);
    process.kill().unwrap(); // SIGKILL on Unix
    let killed = !process.wait().unwrap().success();
    let output = reader.join().unwrap();
    // A line without its newline was cut by the kill: not acknowledged.
    let complete = output.rfind('\n').map_or("", |end| &output[..end]);
    let acks = complete
        .lines()
        .filter_map(|l| l.strip_prefix("ACK "))
        .map(str::to_string)
        .collect();
    Killed { killed, acks }
}
