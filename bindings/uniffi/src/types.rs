//! Records that cross the uniffi boundary: launch facts, decisions, test reports.

/// The user of a launch.
#[derive(Clone, Debug, Default, PartialEq, Eq, uniffi::Record)]
pub struct UserFacts {
    /// Account name, e.g. `CORP\alice`.
    #[uniffi(default)]
    pub name: Option<String>,
    /// Security identifier.
    #[uniffi(default)]
    pub sid: Option<String>,
    /// Group names.
    #[uniffi(default)]
    pub groups: Vec<String>,
}

/// The computer of a launch.
#[derive(Clone, Debug, Default, PartialEq, Eq, uniffi::Record)]
pub struct ComputerFacts {
    /// Computer name.
    #[uniffi(default)]
    pub name: Option<String>,
    /// Management tags.
    #[uniffi(default)]
    pub tags: Vec<String>,
}

/// The code-signing signer of the file; it counts only when `valid`.
#[derive(Clone, Debug, Default, PartialEq, Eq, uniffi::Record)]
pub struct SignerFacts {
    /// Publisher name.
    #[uniffi(default)]
    pub publisher: Option<String>,
    /// SHA-256 of the leaf certificate, 64 hex digits.
    #[uniffi(default)]
    pub thumbprint: Option<String>,
    /// True only when signature, digest and chain all check.
    #[uniffi(default)]
    pub valid: bool,
}

/// VERSIONINFO strings of the file.
#[derive(Clone, Debug, Default, PartialEq, Eq, uniffi::Record)]
pub struct VersionFacts {
    /// ProductName.
    #[uniffi(default)]
    pub product_name: Option<String>,
    /// OriginalFilename.
    #[uniffi(default)]
    pub original_file_name: Option<String>,
    /// FileVersion.
    #[uniffi(default)]
    pub file_version: Option<String>,
    /// CompanyName.
    #[uniffi(default)]
    pub company_name: Option<String>,
}

/// One launch to decide on (policy.md §2); only `path` is required.
#[derive(Clone, Debug, Default, PartialEq, Eq, uniffi::Record)]
pub struct LaunchFacts {
    /// Full path of the executable.
    pub path: String,
    /// The user.
    #[uniffi(default)]
    pub user: Option<UserFacts>,
    /// The computer.
    #[uniffi(default)]
    pub computer: Option<ComputerFacts>,
    /// SHA-256 of the file, 64 hex digits.
    #[uniffi(default)]
    pub sha256: Option<String>,
    /// The signer.
    #[uniffi(default)]
    pub signer: Option<SignerFacts>,
    /// Version strings.
    #[uniffi(default)]
    pub version: Option<VersionFacts>,
    /// The COM class, for CLSID rules.
    #[uniffi(default)]
    pub clsid: Option<String>,
    /// The full command line.
    #[uniffi(default)]
    pub command_line: Option<String>,
}

impl LaunchFacts {
    /// The core's launch (checked by `evaluate`).
    pub fn into_core(self) -> jitaccess::Launch {
        let mut l = jitaccess::Launch {
            path: self.path,
            sha256: self.sha256,
            clsid: self.clsid,
            command_line: self.command_line,
            ..Default::default()
        };
        l.user = self.user.map(|u| jitaccess::User {
            name: u.name,
            sid: u.sid,
            groups: u.groups,
        });
        l.computer = self.computer.map(|c| jitaccess::Computer {
            name: c.name,
            tags: c.tags,
        });
        l.signer = self.signer.map(|s| jitaccess::Signer {
            publisher: s.publisher,
            thumbprint: s.thumbprint,
            valid: s.valid,
            ..Default::default()
        });
        l.version = self.version.map(|v| jitaccess::VersionInfo {
            product_name: v.product_name,
            original_file_name: v.original_file_name,
            file_version: v.file_version,
            company_name: v.company_name,
            ..Default::default()
        });
        l
    }
}

/// The decision for one launch (policy.md §4).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Decision {
    /// `elevate`, `confirm`, `request`, `deny` or `none`.
    pub outcome: String,
    /// The winner, or None.
    pub rule: Option<String>,
    /// The winning list entry's elevation type, or None.
    pub elevation: Option<String>,
    /// For `request`: the longest duration that may be requested (`4h`).
    pub max_duration: Option<String>,
    /// Every other candidate that matched, in precedence order.
    pub shadowed: Vec<String>,
    /// `unresolvedPath`, `notAllowlisted`.
    pub warnings: Vec<String>,
    /// An explanation an administrator understands.
    pub reason: String,
}

impl From<jitaccess::Decision> for Decision {
    fn from(d: jitaccess::Decision) -> Self {
        Decision {
            outcome: d.outcome.as_str().to_string(),
            rule: d.rule,
            elevation: d.elevation.map(|e| e.as_str().to_string()),
            max_duration: d.max_duration.map(|m| m.to_string()),
            shadowed: d.shadowed,
            warnings: d.warnings.iter().map(|w| w.as_str().to_string()).collect(),
            reason: d.reason.into_owned(),
        }
    }
}

impl Decision {
    /// The JSON object of policy.md §4.
    pub fn to_json(&self) -> String {
        serde_json::json!({
            "outcome": self.outcome,
            "rule": self.rule,
            "elevation": self.elevation,
            "maxDuration": self.max_duration,
            "shadowed": self.shadowed,
            "warnings": self.warnings,
            "reason": self.reason,
        })
        .to_string()
    }
}

/// One test of a test file.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct TestResult {
    /// The test file.
    pub file: String,
    /// The case name (scenario steps: `scenario / step N`).
    pub name: String,
    /// Whether every expectation held.
    pub passed: bool,
    /// For a failure: what was expected and what came back.
    pub message: Option<String>,
}

/// The results of a test file.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct TestReport {
    /// Tests that passed.
    pub passed: u64,
    /// Tests that failed.
    pub failed: u64,
    /// Every test, in file order.
    pub results: Vec<TestResult>,
}

impl From<jitaccess::testfile::TestReport> for TestReport {
    fn from(r: jitaccess::testfile::TestReport) -> Self {
        TestReport {
            passed: r.passed as u64,
            failed: r.failed as u64,
            results: r
                .results
                .into_iter()
                .map(|t| TestResult {
                    file: t.file,
                    name: t.name,
                    passed: t.passed,
                    message: t.message,
                })
                .collect(),
        }
    }
}
