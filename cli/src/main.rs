//! `jitaccess`: check, evaluate and test just-in-time elevation policies.
//!
//! Exit codes (interfaces.md): 0 success, 1 a negative answer (invalid policy, failed test),
//! 2 a usage or I/O error. Results go to stdout, errors and warnings to stderr.

/// `println!` for results on stdout that never panics: when the reader has gone away (`jitaccess
/// schema | head -1`), the rest of the output is dropped and the command still finishes its work
/// (a test run still closes its audit log) and returns its exit code.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::write_out(format_args!($($arg)*))
    };
}

mod audit;

/// See [`outln!`].
pub(crate) fn write_out(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.write_all(b"\n"))
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("jitaccess: cannot write to standard output: {e}");
    }
}

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};
use jitaccess::{Launch, Policy};

mod inspect;

#[derive(Parser)]
#[command(
    name = "jitaccess",
    version,
    about = "Just-in-time privilege elevation: check, evaluate and test policies"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate a policy and print lint warnings; exit 1 when it is invalid.
    Check {
        /// The policy document (.yaml, .yml or .json).
        policy: PathBuf,
    },
    /// Evaluate one launch against a policy and print the decision as JSON.
    Eval {
        /// The policy document.
        policy: PathBuf,
        /// The launch facts as JSON (a file, or - for standard input).
        launch: Option<PathBuf>,
        /// Evaluate a real executable through `inspect` instead of a launch file.
        #[arg(long, conflicts_with = "launch")]
        file: Option<PathBuf>,
        /// Trusted roots for Authenticode (with --file): a PEM bundle or a folder of PEM/DER.
        #[arg(long, requires = "file")]
        trust: Option<PathBuf>,
        /// The user of the launch (with --file; default: the current user).
        #[arg(long, requires = "file")]
        user: Option<String>,
        /// Groups of the user (with --file; repeat or separate with commas).
        #[arg(long, requires = "file", value_delimiter = ',', num_args = 1..)]
        groups: Vec<String>,
        /// The computer of the launch (with --file; default: this host's name).
        #[arg(long, requires = "file")]
        computer: Option<String>,
        /// Tags of the computer (with --file; repeat or separate with commas).
        #[arg(long, requires = "file", value_delimiter = ',', num_args = 1..)]
        computer_tags: Vec<String>,
        /// The time of the launch, RFC 3339 (default: now).
        #[arg(long)]
        at: Option<String>,
        /// Print the decision on one line instead of pretty-printed.
        #[arg(long)]
        compact: bool,
    },
    /// Run policy test files; the last line is `N passed, M failed`.
    Test {
        /// Test files (YAML or JSON, testing.md).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Also list the tests that passed.
        #[arg(short, long)]
        verbose: bool,
        /// Write every event of the scenarios to this new signed audit log.
        #[arg(long, requires = "audit_key")]
        audit_log: Option<PathBuf>,
        /// The private key (NAME.key) that signs the audit log's checkpoints.
        #[arg(long, requires = "audit_log")]
        audit_key: Option<PathBuf>,
    },
    /// The tamper-evident audit trail: keygen, verify, prove, verify-proof, export.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Print the launch facts of a file (SHA-256, Authenticode signer, VERSIONINFO) as JSON.
    Inspect {
        /// The file.
        file: PathBuf,
        /// Trusted roots for Authenticode: a PEM bundle or a folder of PEM/DER certificates.
        /// Without it no signer is valid.
        #[arg(long)]
        trust: Option<PathBuf>,
        /// Print everything found (format, fixed versions, chain, problems), not a launch.
        #[arg(long)]
        details: bool,
    },
    /// Print the JSON Schema of the policy document.
    Schema,
}

/// An error for stderr and its exit code.
struct Failure {
    code: u8,
    message: String,
}

fn usage(message: String) -> Failure {
    Failure { code: 2, message }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check { policy } => check(&policy),
        Command::Eval {
            policy,
            launch,
            file,
            trust,
            user,
            groups,
            computer,
            computer_tags,
            at,
            compact,
        } => {
            let session = inspect::Session {
                user,
                groups,
                computer,
                computer_tags,
            };
            let file = file.map(|f| (f, trust, session));
            eval(&policy, launch.as_deref(), file, at.as_deref(), compact)
        }
        Command::Inspect {
            file,
            trust,
            details,
        } => inspect::inspect(&file, trust.as_deref(), details),
        Command::Test {
            files,
            verbose,
            audit_log,
            audit_key,
        } => test(
            &files,
            verbose,
            audit_log.as_deref().zip(audit_key.as_deref()),
        ),
        Command::Audit(cmd) => audit::run(cmd),
        Command::Schema => schema(),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            for line in f.message.lines() {
                eprintln!("jitaccess: {line}");
            }
            ExitCode::from(f.code)
        }
    }
}

fn load_policy(path: &Path) -> Result<Policy, Failure> {
    if !path.is_file() {
        return Err(usage(format!("{}: no such policy file", path.display())));
    }
    Policy::from_path(path).map_err(|errs| Failure {
        code: 1,
        message: errs
            .errors
            .iter()
            .map(|e| format!("{}: {e}", path.display()))
            .collect::<Vec<_>>()
            .join("\n"),
    })
}

fn check(path: &Path) -> Result<u8, Failure> {
    let policy = load_policy(path)?;
    for lint in policy.lint() {
        eprintln!("warning: {}: {lint}", path.display());
    }
    let doc = policy.document();
    outln!(
        "{}: valid policy '{}' ({} applications, {} privilege lists, {} JIT policies, {} groups), {} warning{}",
        path.display(),
        doc.name,
        doc.applications.len(),
        doc.privilege_lists.len(),
        doc.jit_policies.len(),
        doc.groups.len(),
        policy.lint().len(),
        if policy.lint().len() == 1 { "" } else { "s" }
    );
    Ok(0)
}

fn parse_time(at: Option<&str>) -> Result<DateTime<Utc>, Failure> {
    match at {
        None => Ok(Utc::now()),
        Some(s) => DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| {
                usage(format!(
                    "--at '{s}' is not an RFC 3339 time such as 2026-11-23T09:00:00Z ({e})"
                ))
            }),
    }
}

fn eval(
    policy_path: &Path,
    launch: Option<&Path>,
    file: Option<(PathBuf, Option<PathBuf>, inspect::Session)>,
    at: Option<&str>,
    compact: bool,
) -> Result<u8, Failure> {
    let at = parse_time(at)?;
    if let Some((exe, trust, session)) = file {
        let policy = load_policy(policy_path)?;
        let launch = inspect::launch(&exe, trust.as_deref(), session)?;
        return print_decision(&policy, &launch, at, &exe, compact);
    }
    let Some(launch_path) = launch else {
        return Err(usage(
            "eval needs a launch file (or - for standard input), or --file EXE".into(),
        ));
    };
    let policy = load_policy(policy_path)?;
    let text = if launch_path == Path::new("-") {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| usage(format!("cannot read the launch from standard input: {e}")))?;
        s
    } else {
        std::fs::read_to_string(launch_path)
            .map_err(|e| usage(format!("cannot read {}: {e}", launch_path.display())))?
    };
    let launch =
        Launch::from_json(&text).map_err(|e| usage(format!("{}: {e}", launch_path.display())))?;
    print_decision(&policy, &launch, at, launch_path, compact)
}

fn print_decision(
    policy: &Policy,
    launch: &Launch,
    at: DateTime<Utc>,
    source: &Path,
    compact: bool,
) -> Result<u8, Failure> {
    let decision = policy
        .compile()
        .evaluate(launch, at)
        .map_err(|e| usage(format!("{}: {e}", source.display())))?;
    let json = if compact {
        serde_json::to_string(&decision)
    } else {
        serde_json::to_string_pretty(&decision)
    }
    .map_err(|e| usage(format!("cannot print the decision: {e}")))?;
    outln!("{json}");
    Ok(0)
}

fn test(files: &[PathBuf], verbose: bool, audit: Option<(&Path, &Path)>) -> Result<u8, Failure> {
    let mut total = jitaccess::testfile::TestReport::default();
    let mut writer = match audit {
        Some((log, key)) => Some(audit::open_test_log(log, key)?),
        None => None,
    };
    let mut load_error = None;
    for f in files {
        let report = match writer.as_mut() {
            Some(w) => jitaccess::testfile::run_file_audited(f, w),
            None => jitaccess::testfile::run_file(f),
        };
        let report = match report {
            Ok(report) => report,
            Err(e) => {
                // Every line names the file. The audit log (if any) is still closed with a
                // checkpoint below, so what was written stays sealed.
                let text = e
                    .message
                    .lines()
                    .map(|line| format!("{}: {line}", e.file))
                    .collect::<Vec<_>>()
                    .join("\n");
                load_error = Some(usage(text));
                break;
            }
        };
        for r in &report.results {
            if r.passed {
                if verbose {
                    outln!("ok   {}: {}", r.file, r.name);
                }
            } else {
                outln!("FAIL {}: {}", r.file, r.name);
                for line in r.message.as_deref().unwrap_or("").lines() {
                    outln!("       {line}");
                }
            }
        }
        total.merge(report);
    }
    if let (Some(w), Some((log, _))) = (writer, audit) {
        let cp = w.close().map_err(|e| usage(e.to_string()))?;
        eprintln!(
            "jitaccess: wrote {} audit records to {} (checkpoint of size {})",
            cp.size,
            log.display(),
            cp.size
        );
    }
    if let Some(e) = load_error {
        return Err(e);
    }
    outln!("{}", total.summary());
    Ok(if total.failed == 0 { 0 } else { 1 })
}

fn schema() -> Result<u8, Failure> {
    let text = serde_json::to_string_pretty(&Policy::json_schema())
        .map_err(|e| usage(format!("cannot print the schema: {e}")))?;
    outln!("{text}");
    Ok(0)
}
