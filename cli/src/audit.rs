//! `jitaccess audit …`: keygen, verify, prove, verify-proof, export (interfaces.md, audit.md).

use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};

use clap::Subcommand;
use jitaccess::audit::{self, AuditError, Proof, export};

use crate::{Failure, usage};

/// The audit subcommands.
#[derive(Subcommand)]
pub enum AuditCommand {
    /// Create a signing key: writes NAME.key (private, mode 0600) and NAME.pub.
    Keygen {
        /// The key name (also the file prefix; a path is allowed).
        name: PathBuf,
    },
    /// Verify a log and its LOG.checkpoints; exit 0 only when every record is sealed and intact.
    Verify {
        /// The audit log.
        log: PathBuf,
        /// The public key (NAME.pub).
        #[arg(long)]
        key: PathBuf,
    },
    /// Print an inclusion proof (JSON) of one record against the latest checkpoint.
    Prove {
        /// The audit log.
        log: PathBuf,
        /// The record's seq.
        #[arg(long)]
        seq: u64,
    },
    /// Check one inclusion proof on its own.
    VerifyProof {
        /// The proof (a file, or - for standard input).
        proof: PathBuf,
        /// The public key (NAME.pub).
        #[arg(long)]
        key: PathBuf,
    },
    /// Export every record, one per line: OCSF 1.8 JSON, CEF or Elastic ECS JSON.
    Export {
        /// The audit log.
        log: PathBuf,
        /// ocsf, cef or ecs.
        #[arg(long)]
        format: String,
    },
}

fn io_failure(e: AuditError) -> Failure {
    usage(e.to_string())
}

/// Runs an audit subcommand.
pub fn run(cmd: AuditCommand) -> Result<u8, Failure> {
    match cmd {
        AuditCommand::Keygen { name } => {
            let (key, private, public) = audit::keygen(&name).map_err(io_failure)?;
            outln!("{}", key.verifier().to_text());
            eprintln!(
                "jitaccess: wrote {} (private, keep it secret) and {}",
                private.display(),
                public.display()
            );
            Ok(0)
        }
        AuditCommand::Verify { log, key } => verify(&log, &key),
        AuditCommand::Prove { log, seq } => {
            let proof = audit::prove(&log, seq).map_err(|e| match e {
                AuditError::Io { .. } => usage(e.to_string()),
                // The core's messages name the log.
                other => Failure {
                    code: 1,
                    message: other.to_string(),
                },
            })?;
            outln!("{}", proof.to_json());
            Ok(0)
        }
        AuditCommand::VerifyProof { proof, key } => {
            let key = audit::read_verifier_key(&key).map_err(io_failure)?;
            let text = read_input(&proof)?;
            let checked = Proof::from_json(&text).and_then(|p| p.check(&key));
            match checked {
                Ok((record, cp)) => {
                    outln!(
                        "{}: record {} ({}) is in the log '{}' of {} records signed by {}",
                        proof.display(),
                        record.seq(),
                        record.event_type(),
                        cp.origin,
                        cp.size,
                        key.name()
                    );
                    Ok(0)
                }
                Err(e) => Err(Failure {
                    code: 1,
                    message: format!("{}: the proof does not verify: {e}", proof.display()),
                }),
            }
        }
        AuditCommand::Export { log, format } => {
            let format: export::Format = format.parse().map_err(usage)?;
            let file = std::fs::File::open(&log)
                .map_err(|e| usage(format!("cannot read {}: {e}", log.display())))?;
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let mut reader = std::io::BufReader::new(file);
            let mut line = Vec::new();
            for i in 0.. {
                line.clear();
                let n = reader
                    .read_until(b'\n', &mut line)
                    .map_err(|e| usage(format!("cannot read {}: {e}", log.display())))?;
                if n == 0 {
                    break;
                }
                if line.pop() != Some(b'\n') {
                    // A last line without its newline: an append that a crash cut short.
                    out.flush()
                        .map_err(|e| usage(format!("cannot write the export: {e}")))?;
                    return Err(Failure {
                        code: 1,
                        message: format!(
                            "{}: line {}: a torn last line (no newline: an append cut short), not exported; `jitaccess audit verify` reports it",
                            log.display(),
                            i + 1
                        ),
                    });
                }
                let text = std::str::from_utf8(&line).map_err(|_| Failure {
                    code: 1,
                    message: format!("{}: line {}: not UTF-8", log.display(), i + 1),
                })?;
                let exported = export::export_line(text, format).map_err(|e| Failure {
                    code: 1,
                    message: format!("{}: line {}: {e}", log.display(), i + 1),
                })?;
                writeln!(out, "{exported}")
                    .map_err(|e| usage(format!("cannot write the export: {e}")))?;
            }
            out.flush()
                .map_err(|e| usage(format!("cannot write the export: {e}")))?;
            Ok(0)
        }
    }
}

fn read_input(path: &Path) -> Result<String, Failure> {
    if path == Path::new("-") {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| usage(format!("cannot read standard input: {e}")))?;
        Ok(s)
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| usage(format!("cannot read {}: {e}", path.display())))
    }
}

fn verify(log: &Path, key: &Path) -> Result<u8, Failure> {
    let key = audit::read_verifier_key(key).map_err(io_failure)?;
    let report = audit::verify(log, &key).map_err(io_failure)?;
    let cps = audit::checkpoints_path(log);
    if let Some(p) = &report.problem {
        let file = if p.line.is_none() { &cps } else { log };
        return Err(Failure {
            code: 1,
            message: format!("{}: {p}", file.display()),
        });
    }
    let mut problems = Vec::new();
    if let Some(n) = report.torn_tail {
        problems.push(format!(
            "{}: line {}: a torn final line ({n} bytes, an append cut short by a crash); opening the log with a writer repairs it",
            log.display(),
            report.records + 1
        ));
    }
    if let Some(n) = report.torn_checkpoint {
        problems.push(format!(
            "{}: a torn final checkpoint ({n} bytes)",
            cps.display()
        ));
    }
    if report.unsealed() > 0 {
        problems.push(format!(
            "{}: lines {}-{}: {} records are not sealed by a checkpoint",
            log.display(),
            report.sealed + 1,
            report.records,
            report.unsealed()
        ));
    }
    outln!(
        "{}: {} records, {} checkpoints, {} sealed, {} unsealed",
        log.display(),
        report.records,
        report.checkpoints,
        report.sealed,
        report.unsealed()
    );
    if problems.is_empty() {
        outln!("{}: every record is sealed and intact", log.display());
        Ok(0)
    } else {
        Err(Failure {
            code: 1,
            message: problems.join("\n"),
        })
    }
}

/// `jitaccess test --audit-log LOG --audit-key KEY`: one log per run, checkpointed at the end.
pub fn open_test_log(log: &Path, key: &Path) -> Result<audit::Writer, Failure> {
    let key = audit::read_signer_key(key).map_err(io_failure)?;
    if std::fs::metadata(log).is_ok_and(|m| m.len() > 0) {
        return Err(usage(format!(
            "{}: the audit log already exists; one log per run, so choose a new file",
            log.display()
        )));
    }
    audit::Writer::open(log, key, audit::WriterOptions::default()).map_err(io_failure)
}
