//! `jitaccess inspect FILE [--trust ROOTS]` and the `--file` form of `jitaccess eval`: launch
//! facts read from a real file (interfaces.md).

use std::path::Path;

use jitaccess::Launch;
use jitaccess::inspect::{self, Inspection, Options, TrustStore};

use crate::{Failure, usage};

/// The user and computer of `eval --file`, from flags or the current session.
pub struct Session {
    /// `--user`, else `$USER` / `$USERNAME`.
    pub user: Option<String>,
    /// `--groups`.
    pub groups: Vec<String>,
    /// `--computer`, else the host name.
    pub computer: Option<String>,
    /// `--computer-tags`.
    pub computer_tags: Vec<String>,
}

fn options(trust: Option<&Path>) -> Result<Options, Failure> {
    let mut opts = Options::new();
    if let Some(t) = trust {
        let store = TrustStore::from_path(t).map_err(|e| usage(e.to_string()))?;
        opts = opts.trust(store);
    }
    Ok(opts)
}

fn run(file: &Path, trust: Option<&Path>) -> Result<Inspection, Failure> {
    let opts = options(trust)?;
    let found = inspect::inspect(file, &opts).map_err(|e| usage(e.to_string()))?;
    for note in &found.notes {
        eprintln!("jitaccess: note: {}: {note}", file.display());
    }
    if let Some(sig) = &found.signature {
        for p in &sig.problems {
            eprintln!("jitaccess: signer not valid: {}: {p}", file.display());
        }
    }
    Ok(found)
}

/// `jitaccess inspect`: the launch facts as JSON on stdout (a launch `eval` accepts), or with
/// `--details` everything inspect found (not a launch).
pub fn inspect(file: &Path, trust: Option<&Path>, details: bool) -> Result<u8, Failure> {
    let found = run(file, trust)?;
    let json = if details {
        serde_json::to_string_pretty(&found)
    } else {
        serde_json::to_string_pretty(&found.launch)
    }
    .map_err(|e| usage(format!("cannot print the facts: {e}")))?;
    outln!("{json}");
    Ok(0)
}

/// The launch of `eval --file`: the file's facts plus the session's user and computer.
pub fn launch(file: &Path, trust: Option<&Path>, session: Session) -> Result<Launch, Failure> {
    let mut launch = run(file, trust)?.launch;
    let user = session
        .user
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .filter(|u| !u.is_empty());
    if user.is_some() || !session.groups.is_empty() {
        launch.user = Some(jitaccess::User {
            name: user,
            sid: None,
            groups: session.groups,
        });
    }
    let computer = session
        .computer
        .or_else(host_name)
        .filter(|c| !c.is_empty());
    if computer.is_some() || !session.computer_tags.is_empty() {
        launch.computer = Some(jitaccess::Computer {
            name: computer,
            tags: session.computer_tags,
        });
    }
    Ok(launch)
}

fn host_name() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|s| s.trim().to_string())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .or_else(|| std::env::var("HOSTNAME").ok())
}
