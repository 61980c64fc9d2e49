//! Workload generators shared by the benchmarks.
//!
//! [`generate`] builds, deterministically (a fixed-seed SplitMix64, no `rand`), a policy of
//! `n` application rules shaped like a real endpoint-privilege-management deployment, together
//! with launches that hit specific rules and one realistic launch that matches nothing.
//! [`to_yaml`] writes the same document as block-style YAML, so that loading from text can be
//! measured separately from compiling.
//!
//! The rule mix, per 20 consecutive rules (so every kind exists from `n = 20` on):
//!
//! | kind | share | criteria |
//! |---|---|---|
//! | file hash | 30 % | `sha256` (10 % of them two digests), 40 % with a literal `fileName` |
//! | vendor + product | 20 % | `vendor` + `product` |
//! | verified executable | 15 % | `vendor` + `product` + `fileName` (30 % wildcard such as `setup*.exe`), 30 % with `minVersion` |
//! | folder | 10 % | `path: 'C:\Program Files\Vendor\'` (once per vendor) or a product folder below it |
//! | glob path | 10 % | `'%ProgramFiles%\Vendor\*\noun*.exe'`, 15 % with `**`, a few elsewhere |
//! | CLSID | 5 % | `clsid` |
//! | signer thumbprint | 5 % | `signerThumbprint` |
//! | deny | 5 % | 60 % literal `fileName` (well-known tools first), 40 % `path` rules |
//!
//! Vendors come from a pool of 300 names, drawn with a skew (the most common vendor has about
//! 6 % of the vendor-based rules), so the per-vendor buckets look like a real catalogue. Rules
//! are spread over `n / 500 + 1` (at least 2) privilege lists: every eighth list, starting with
//! the first, is a `deny` list; the others cycle through `onRequest`, `userConfirmed` and
//! `automatic` (rules identified by path only never go into `automatic` lists). Some lists are
//! scoped with `appliesTo` (named and inline groups), and two JIT policies are present: one in
//! its window at [`at`] but scoped to help-desk computers, one with a past window.

pub mod ffi_launch;

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;

use chrono::{DateTime, TimeZone, Utc};
use jitaccess::{
    Computer, Duration, Elevation, Launch, Outcome, PolicyDocument, Signer, User, VersionInfo,
    policy::{Application, Applications, Group, GroupRef, JitPolicy, OneOrMany, PrivilegeList},
};

/// The seed of every generated workload.
pub const SEED: u64 = 0x6a69_7461_6363_6573;

/// A small, fast, deterministic PRNG (SplitMix64).
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`0` when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        // Lemire's multiply-shift; the tiny bias is irrelevant here.
        let wide = u128::from(self.next_u64()) * n as u128;
        usize::try_from(wide >> 64).unwrap_or(0)
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// A uniform number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// `n` random bytes as lowercase hex.
    pub fn hex(&mut self, bytes: usize) -> String {
        let mut s = String::with_capacity(bytes * 2);
        let mut left = bytes;
        while left > 0 {
            let word = self.next_u64().to_le_bytes();
            for b in word.iter().take(left.min(8)) {
                let _ = write!(s, "{b:02x}");
            }
            left = left.saturating_sub(8);
        }
        s
    }

    /// A GUID in registry form, `{8-4-4-4-12}`, upper case.
    pub fn guid(&mut self) -> String {
        let h = self.hex(16).to_uppercase();
        let part = |a: usize, b: usize| h.get(a..b).unwrap_or("0");
        format!(
            "{{{}-{}-{}-{}-{}}}",
            part(0, 8),
            part(8, 12),
            part(12, 16),
            part(16, 20),
            part(20, 32)
        )
    }
}

const STEMS: [&str; 20] = [
    "Acme",
    "Contoso",
    "Fabri",
    "Litware",
    "Northwind",
    "Tailspin",
    "Wide",
    "Adatum",
    "Prose",
    "Woodgrove",
    "Alpine",
    "Bluesky",
    "Coho",
    "Fourth",
    "Graphic",
    "Humongous",
    "Lucerne",
    "Margie",
    "Nod",
    "Trey",
];
const PARTS: [&str; 15] = [
    "soft", "works", "tech", "data", "labs", "systems", "logic", "ware", "net", "cloud", "media",
    "graph", "sec", "dev", "code",
];
const SUFFIXES: [&str; 5] = ["Corporation", "Inc.", "GmbH", "Ltd.", "LLC"];
const NOUNS: [&str; 20] = [
    "Studio",
    "Manager",
    "Agent",
    "Suite",
    "Toolkit",
    "Analyzer",
    "Designer",
    "Server",
    "Client",
    "Console",
    "Monitor",
    "Updater",
    "Installer",
    "Viewer",
    "Editor",
    "Backup",
    "Sync",
    "Gateway",
    "Driver",
    "Utility",
];
const KNOWN_DENIED: [&str; 8] = [
    "psexec.exe",
    "mimikatz.exe",
    "procdump.exe",
    "nc.exe",
    "wce.exe",
    "pwdump.exe",
    "rubeus.exe",
    "lazagne.exe",
];

/// Number of vendors in the pool.
pub const VENDORS: usize = STEMS.len() * PARTS.len();

/// A vendor of the pool: its signer name and its folder name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vendor {
    /// Publisher name as in a code-signing certificate, e.g. `Acmesoft Corporation`.
    pub publisher: String,
    /// Folder name under `Program Files`, e.g. `Acmesoft`.
    pub dir: String,
}

/// Vendor `i` of the pool (`i < VENDORS`; larger values wrap).
pub fn vendor(i: usize) -> Vendor {
    let i = i % VENDORS;
    let stem = STEMS.get(i % STEMS.len()).copied().unwrap_or("Acme");
    let part = PARTS.get(i / STEMS.len()).copied().unwrap_or("soft");
    let suffix = SUFFIXES.get(i % SUFFIXES.len()).copied().unwrap_or("Inc.");
    let dir = format!("{stem}{part}");
    Vendor {
        publisher: format!("{dir} {suffix}"),
        dir,
    }
}

/// Which kind of rule a generated application is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleKind {
    /// `sha256`, maybe with `fileName`.
    FileHash,
    /// `vendor` + `product`.
    VendorProduct,
    /// `vendor` + `product` + `fileName`.
    VerifiedExecutable,
    /// A folder `path`.
    Folder,
    /// A glob `path`.
    Glob,
    /// `clsid`.
    Clsid,
    /// `signerThumbprint`.
    Thumbprint,
    /// A rule in a deny list.
    Deny,
}

/// The kinds of 20 consecutive rules.
const SCHEDULE: [RuleKind; 20] = {
    use RuleKind::*;
    [
        FileHash,
        VendorProduct,
        VerifiedExecutable,
        FileHash,
        Folder,
        Glob,
        FileHash,
        VendorProduct,
        VerifiedExecutable,
        Clsid,
        FileHash,
        Deny,
        VendorProduct,
        Thumbprint,
        FileHash,
        VerifiedExecutable,
        Folder,
        Glob,
        VendorProduct,
        FileHash,
    ]
};

/// The kind of rule number `i` of a generated policy.
pub fn rule_kind(i: usize) -> RuleKind {
    SCHEDULE
        .get(i % SCHEDULE.len())
        .copied()
        .unwrap_or(RuleKind::FileHash)
}

/// A launch with the decision it must get.
#[derive(Clone, Debug)]
pub struct Hit {
    /// Short name for reports, e.g. `verified-exe`.
    pub name: &'static str,
    /// The launch.
    pub launch: Launch,
    /// The expected winning `rule`, `<list>/<application>`.
    pub rule: String,
    /// The expected outcome.
    pub outcome: Outcome,
}

/// A generated policy with its launches.
#[derive(Clone, Debug)]
pub struct Workload {
    /// The policy document, `n` applications.
    pub document: PolicyDocument,
    /// Launches that each match one generated rule: a verified executable (signer and version
    /// facts), a file-hash rule, a folder rule and a deny rule, in this order.
    pub hits: Vec<Hit>,
    /// A realistic launch (path under a known vendor's folder, valid signer of that vendor,
    /// version facts, SHA-256) that matches no rule.
    pub miss: Launch,
}

/// The evaluation time of the benchmarks: [`jitaccess::default_test_time`].
pub fn at() -> DateTime<Utc> {
    jitaccess::default_test_time()
}

fn one(s: impl Into<String>) -> OneOrMany {
    OneOrMany(vec![s.into()])
}

fn time(y: i32, mo: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

fn user_and_computer(launch: &mut Launch) {
    launch.user = Some(User {
        name: Some("CORP\\alice".into()),
        sid: Some("S-1-5-21-1004336348-1177238915-682003330-1104".into()),
        groups: vec![
            "CORP\\Domain Users".into(),
            "CORP\\IT Admins".into(),
            "CORP\\Developers".into(),
        ],
    });
    launch.computer = Some(Computer {
        name: Some("IT-LAPTOP-07".into()),
        tags: vec!["laptop".into(), "it".into()],
    });
}

fn signed(publisher: &str, rng: &mut SplitMix64) -> Option<Signer> {
    Some(Signer {
        publisher: Some(publisher.into()),
        thumbprint: Some(rng.hex(32)),
        valid: true,
        issuer: Some("DigiCert Trusted G4 Code Signing RSA4096 SHA384 2021 CA1".into()),
        ..Signer::default()
    })
}

fn outcome_of(e: Elevation) -> Outcome {
    match e {
        Elevation::Automatic => Outcome::Elevate,
        Elevation::UserConfirmed => Outcome::Confirm,
        Elevation::OnRequest => Outcome::Request,
        Elevation::Deny => Outcome::Deny,
    }
}

struct ListPlan {
    id: String,
    elevation: Elevation,
    applies_to: Option<Vec<GroupRef>>,
    /// Whether the launches of [`Workload`] are in scope.
    in_scope: bool,
    apps: Vec<String>,
}

fn plan_lists(n: usize) -> Vec<ListPlan> {
    let count = (n / 500 + 1).max(2);
    let cycle = [
        Elevation::OnRequest,
        Elevation::UserConfirmed,
        Elevation::Automatic,
    ];
    (0..count)
        .map(|i| {
            let elevation = if i % 8 == 0 {
                Elevation::Deny
            } else {
                cycle
                    .get(i % cycle.len())
                    .copied()
                    .unwrap_or(Elevation::OnRequest)
            };
            let (applies_to, in_scope) = if elevation == Elevation::Deny {
                if i % 16 == 8 {
                    (Some(vec![GroupRef::Id("finance-laptops".into())]), false)
                } else {
                    (None, true)
                }
            } else {
                match i % 5 {
                    1 => (Some(vec![GroupRef::Id("it-staff".into())]), true),
                    2 => (
                        Some(vec![
                            GroupRef::Id("developers".into()),
                            GroupRef::Inline(Group {
                                computer_tags: vec!["build-agent".into()],
                                ..Group::default()
                            }),
                        ]),
                        true,
                    ),
                    3 => (Some(vec![GroupRef::Id("finance-laptops".into())]), false),
                    _ => (None, true),
                }
            };
            let prefix = match elevation {
                Elevation::Deny => "deny",
                Elevation::OnRequest => "on-request",
                Elevation::UserConfirmed => "confirm",
                Elevation::Automatic => "auto",
            };
            ListPlan {
                id: format!("{prefix}-{i}"),
                elevation,
                applies_to,
                in_scope,
                apps: Vec::new(),
            }
        })
        .collect()
}

/// Generates the workload of `n` application rules (see the crate documentation).
pub fn generate(n: usize) -> Workload {
    let mut rng = SplitMix64::new(SEED ^ n as u64);
    let mut lists = plan_lists(n);
    let deny_lists: Vec<usize> = (0..lists.len())
        .filter(|&i| lists.get(i).is_some_and(|l| l.elevation == Elevation::Deny))
        .collect();
    let allow_lists: Vec<usize> = (0..lists.len())
        .filter(|&i| lists.get(i).is_some_and(|l| l.elevation != Elevation::Deny))
        .collect();
    let weak_lists: Vec<usize> = allow_lists
        .iter()
        .copied()
        .filter(|&i| {
            lists
                .get(i)
                .is_some_and(|l| l.elevation != Elevation::Automatic)
        })
        .collect();

    let mut apps = Vec::with_capacity(n);
    let mut folder_paths: HashSet<String> = HashSet::new();
    let mut vendor_folders: HashSet<usize> = HashSet::new();
    let mut vendor_weight = vec![0usize; VENDORS];
    let mut hit_exe: Option<Hit> = None;
    let mut hit_hash: Option<Hit> = None;
    let mut hit_folder: Option<Hit> = None;
    let mut hit_deny: Option<Hit> = None;
    let mut launch_rng = SplitMix64::new(SEED.rotate_left(17));

    for i in 0..n {
        let kind = rule_kind(i);
        // Skewed vendor choice: density ∝ 1/√x, so low indices are the big vendors.
        let u = rng.unit();
        let vi = ((u * u) * VENDORS as f64) as usize % VENDORS;
        let v = vendor(vi);
        let noun = NOUNS
            .get(rng.below(NOUNS.len()))
            .copied()
            .unwrap_or("Studio");
        let noun_lc = noun.to_lowercase();
        let dir_lc = v.dir.to_lowercase();
        let k = 1 + rng.below(50);
        let product = format!("{} {noun} {k}", v.dir);
        let mut app = Application::default();
        let pool = match kind {
            RuleKind::Deny => &deny_lists,
            RuleKind::Folder | RuleKind::Glob => &weak_lists,
            _ => &allow_lists,
        };
        let mut li = pool.get(rng.below(pool.len())).copied().unwrap_or(0);
        let known_denied = match kind {
            RuleKind::Deny => KNOWN_DENIED.get(i / SCHEDULE.len()).copied(),
            _ => None,
        };
        if known_denied.is_some() {
            // Well-known attack tools are denied for everyone: the first (unscoped) deny list.
            li = deny_lists.first().copied().unwrap_or(li);
        }
        // Hits are only picked among rules whose list covers the launches' user and computer.
        let in_scope = lists.get(li).is_some_and(|l| l.in_scope);
        match kind {
            RuleKind::FileHash => {
                app.id = format!("hash-{i}");
                app.sha256 = if rng.chance(10) {
                    OneOrMany(vec![rng.hex(32), rng.hex(32)])
                } else {
                    one(rng.hex(32))
                };
                let pick = hit_hash.is_none() && in_scope;
                if rng.chance(40) || pick {
                    let file = format!("{dir_lc}-{noun_lc}-{i}-setup.exe");
                    app.file_name = one(file.clone());
                    if pick {
                        let mut l = Launch {
                            path: format!("D:\\Software\\Installers\\{file}"),
                            sha256: app.sha256.0.first().map(|h| h.to_uppercase()),
                            ..Launch::default()
                        };
                        user_and_computer(&mut l);
                        hit_hash = Some(pending_hit("file-hash", l, &app.id, li));
                    }
                }
            }
            RuleKind::VendorProduct => {
                app.id = format!("vp-{i}");
                app.vendor = one(v.publisher.clone());
                app.product = one(product.clone());
                if let Some(w) = vendor_weight.get_mut(vi) {
                    *w += 1;
                }
            }
            RuleKind::VerifiedExecutable => {
                app.id = format!("vexe-{i}");
                app.vendor = one(v.publisher.clone());
                app.product = one(product.clone());
                let literal = !rng.chance(30);
                let file = if literal {
                    format!("{dir_lc}{noun_lc}{i}.exe")
                } else {
                    match rng.below(3) {
                        0 => "setup*.exe".to_string(),
                        1 => format!("{noun_lc}*.exe"),
                        _ => format!("{dir_lc}{noun_lc}*.exe"),
                    }
                };
                app.file_name = one(file.clone());
                if rng.chance(30) {
                    app.min_version = Some(format!("{}.{}", 1 + rng.below(12), rng.below(10)));
                }
                if let Some(w) = vendor_weight.get_mut(vi) {
                    *w += 1;
                }
                if literal && hit_exe.is_none() && in_scope {
                    let mut l = Launch {
                        path: format!("C:\\Program Files\\{}\\{noun} {k}\\{file}", v.dir),
                        sha256: Some(launch_rng.hex(32)),
                        signer: signed(&v.publisher, &mut launch_rng),
                        version: Some(VersionInfo {
                            product_name: Some(product.clone()),
                            original_file_name: Some(file.clone()),
                            file_version: Some("13.0.4127.1".into()),
                            company_name: Some(v.publisher.clone()),
                            file_description: Some(format!("{noun} of {}", v.dir)),
                            product_version: Some("13.0".into()),
                            ..VersionInfo::default()
                        }),
                        command_line: Some(format!("\"{file}\" --elevated")),
                        ..Launch::default()
                    };
                    user_and_computer(&mut l);
                    hit_exe = Some(pending_hit("verified-exe", l, &app.id, li));
                }
            }
            RuleKind::Folder => {
                app.id = format!("folder-{i}");
                let pick = hit_folder.is_none() && in_scope;
                let vendor_level = !vendor_folders.contains(&vi) && (pick || rng.chance(10));
                let path = if vendor_level {
                    vendor_folders.insert(vi);
                    format!("C:\\Program Files\\{}\\", v.dir)
                } else {
                    let root = if rng.chance(70) {
                        "C:\\Program Files"
                    } else {
                        "%ProgramFiles(x86)%"
                    };
                    let mut p = format!("{root}\\{}\\{noun} {k}\\", v.dir);
                    if folder_paths.contains(&p) {
                        p = format!("{root}\\{}\\{noun} {k}\\{i}\\", v.dir);
                    }
                    p
                };
                folder_paths.insert(path.clone());
                app.path = one(path);
                if vendor_level && pick {
                    let mut l = Launch {
                        path: format!("C:\\Program Files\\{}\\bin\\tool.exe", v.dir),
                        sha256: Some(launch_rng.hex(32)),
                        ..Launch::default()
                    };
                    user_and_computer(&mut l);
                    hit_folder = Some(pending_hit("folder", l, &app.id, li));
                }
            }
            RuleKind::Glob => {
                app.id = format!("glob-{i}");
                let roll = rng.below(100);
                app.path = one(if roll < 75 {
                    format!("%ProgramFiles%\\{}\\*\\{noun_lc}*.exe", v.dir)
                } else if roll < 90 {
                    format!("%ProgramFiles%\\{}\\**\\{noun_lc}*.exe", v.dir)
                } else {
                    format!("C:\\Tools\\{}\\{noun_lc}?.exe", v.dir)
                });
            }
            RuleKind::Clsid => {
                app.id = format!("clsid-{i}");
                app.clsid = one(rng.guid());
            }
            RuleKind::Thumbprint => {
                app.id = format!("thumb-{i}");
                app.signer_thumbprint = one(rng.hex(32).to_uppercase());
            }
            RuleKind::Deny => {
                app.id = format!("deny-{i}");
                if let Some(known) = known_denied {
                    app.file_name = one(known);
                    if hit_deny.is_none() && in_scope {
                        let mut l = Launch {
                            path: format!("C:\\Tools\\{known}").replace("psexec", "PsExec"),
                            sha256: Some(launch_rng.hex(32)),
                            ..Launch::default()
                        };
                        user_and_computer(&mut l);
                        hit_deny = Some(pending_hit("deny", l, &app.id, li));
                    }
                } else if rng.chance(60) {
                    app.file_name = one(format!("{noun_lc}-dropper-{i}.exe"));
                } else if rng.chance(50) {
                    app.path = one(format!("%ProgramData%\\{}\\Cache{i}\\", v.dir));
                } else {
                    app.path = one(format!(
                        "C:\\Users\\*\\AppData\\Local\\Temp\\{}{i}\\*.exe",
                        v.dir
                    ));
                }
            }
        }
        if let Some(l) = lists.get_mut(li) {
            l.apps.push(app.id.clone());
        }
        apps.push(app);
    }

    let finish = |h: Option<Hit>, lists: &[ListPlan]| -> Option<Hit> {
        let mut h = h?;
        // `rule` holds `<list index>/<app id>` until the list ids are known.
        let (li, app) = h.rule.split_once('/')?;
        let list = lists.get(li.parse::<usize>().ok()?)?;
        h.outcome = if list.in_scope {
            outcome_of(list.elevation)
        } else {
            Outcome::None
        };
        h.rule = format!("{}/{app}", list.id);
        Some(h)
    };
    let hits: Vec<Hit> = [hit_exe, hit_hash, hit_folder, hit_deny]
        .into_iter()
        .filter_map(|h| finish(h, &lists))
        .collect();

    // The miss: the busiest vendor without a vendor-wide folder rule, an unknown product.
    let miss_vendor = (0..VENDORS)
        .filter(|vi| !vendor_folders.contains(vi))
        .max_by_key(|&vi| (vendor_weight.get(vi).copied().unwrap_or(0), usize::MAX - vi))
        .unwrap_or(0);
    let mv = vendor(miss_vendor);
    let mut miss = Launch {
        path: format!("C:\\Program Files\\{}\\Common\\helper.exe", mv.dir),
        sha256: Some(launch_rng.hex(32)),
        signer: signed(&mv.publisher, &mut launch_rng),
        version: Some(VersionInfo {
            product_name: Some(format!("{} Helper Service", mv.dir)),
            original_file_name: Some("helper.exe".into()),
            file_version: Some("7.2.0.1518".into()),
            company_name: Some(mv.publisher.clone()),
            file_description: Some("Background helper".into()),
            product_version: Some("7.2".into()),
            ..VersionInfo::default()
        }),
        command_line: Some("\"helper.exe\" /service".into()),
        ..Launch::default()
    };
    user_and_computer(&mut miss);

    let mut groups = BTreeMap::new();
    groups.insert(
        "it-staff".to_string(),
        Group {
            user_groups: vec!["CORP\\IT Admins".into()],
            ..Group::default()
        },
    );
    groups.insert(
        "developers".to_string(),
        Group {
            user_groups: vec!["CORP\\Developers".into(), "CORP\\Build*".into()],
            ..Group::default()
        },
    );
    groups.insert(
        "finance-laptops".to_string(),
        Group {
            computers: vec!["FIN-*".into()],
            computer_tags: vec!["finance".into()],
            ..Group::default()
        },
    );
    groups.insert(
        "helpdesk".to_string(),
        Group {
            users: vec!["CORP\\hd-*".into()],
            computers: vec!["HD-*".into()],
            ..Group::default()
        },
    );

    let jit_apps: Vec<String> = apps
        .iter()
        .filter(|a| a.id.starts_with("vp-"))
        .take(3)
        .map(|a| a.id.clone())
        .collect();
    let mut jit_policies = vec![JitPolicy {
        id: "helpdesk-new-year".into(),
        applies_to: Some(vec![GroupRef::Inline(Group {
            computers: vec!["HD-*".into()],
            ..Group::default()
        })]),
        applications: Applications::All,
        from: time(2025, 12, 31),
        until: time(2026, 1, 2),
    }];
    if !jit_apps.is_empty() {
        jit_policies.push(JitPolicy {
            id: "patch-tuesday".into(),
            applies_to: Some(vec![GroupRef::Id("helpdesk".into())]),
            applications: Applications::Ids(jit_apps),
            from: time(2025, 11, 11),
            until: time(2025, 11, 12),
        });
    }

    let four_hours = Duration::from_secs(4 * 3600);
    let privilege_lists = lists
        .into_iter()
        .enumerate()
        .map(|(i, l)| PrivilegeList {
            id: l.id,
            applies_to: l.applies_to,
            elevation: l.elevation,
            applications: Applications::Ids(l.apps),
            max_duration: if l.elevation == Elevation::OnRequest && i % 2 == 0 {
                four_hours
            } else {
                None
            },
        })
        .collect();

    let document = PolicyDocument {
        api_version: jitaccess::policy::API_VERSION.into(),
        name: format!("bench-{n}"),
        revision: Some(1),
        platform: jitaccess::paths::Platform::Windows,
        variables: BTreeMap::new(),
        groups,
        applications: apps,
        allowlist: None,
        privilege_lists,
        jit_policies,
        requests: jitaccess::policy::Requests::default(),
        autonomous_approval: None,
    };
    Workload {
        document,
        hits,
        miss,
    }
}

fn pending_hit(name: &'static str, launch: Launch, app: &str, list: usize) -> Hit {
    Hit {
        name,
        launch,
        rule: format!("{list}/{app}"),
        outcome: Outcome::None,
    }
}

/// A YAML scalar in single quotes.
fn quote(out: &mut String, s: &str) {
    out.push('\'');
    out.push_str(&s.replace('\'', "''"));
    out.push('\'');
}

fn one_or_many(out: &mut String, v: &OneOrMany) {
    match v.0.as_slice() {
        [one] => quote(out, one),
        many => {
            out.push('[');
            for (i, s) in many.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                quote(out, s);
            }
            out.push(']');
        }
    }
}

fn string_list(out: &mut String, v: &[String]) {
    out.push('[');
    for (i, s) in v.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        quote(out, s);
    }
    out.push(']');
}

fn group_fields(g: &Group) -> [(&'static str, &Vec<String>); 4] {
    [
        ("users", &g.users),
        ("userGroups", &g.user_groups),
        ("computers", &g.computers),
        ("computerTags", &g.computer_tags),
    ]
}

fn applies_to(out: &mut String, refs: &[GroupRef]) {
    out.push('[');
    for (i, r) in refs.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        match r {
            GroupRef::Id(id) => quote(out, id),
            GroupRef::Inline(g) => {
                out.push_str("{ ");
                let mut first = true;
                for (key, v) in group_fields(g) {
                    if v.is_empty() {
                        continue;
                    }
                    if !first {
                        out.push_str(", ");
                    }
                    first = false;
                    out.push_str(key);
                    out.push_str(": ");
                    string_list(out, v);
                }
                out.push_str(" }");
            }
        }
    }
    out.push(']');
}

fn applications(out: &mut String, a: &Applications) {
    match a {
        Applications::All => out.push_str("all"),
        Applications::Ids(ids) => {
            out.push('\n');
            for id in ids {
                out.push_str("      - ");
                quote(out, id);
                out.push('\n');
            }
        }
    }
}

/// Writes the parts of `doc` that [`generate`] fills in as block-style YAML, as an
/// administrator would: groups, applications, privilege lists and JIT policies (`requests`,
/// `variables`, `allowlist` and `autonomousApproval` are left out).
pub fn to_yaml(doc: &PolicyDocument) -> String {
    let mut out = String::with_capacity(doc.applications.len() * 120 + 4096);
    let _ = writeln!(out, "apiVersion: {}", doc.api_version);
    out.push_str("name: ");
    quote(&mut out, &doc.name);
    out.push('\n');
    if let Some(r) = doc.revision {
        let _ = writeln!(out, "revision: {r}");
    }
    let _ = writeln!(out, "platform: {}", doc.platform.as_str());
    if !doc.groups.is_empty() {
        out.push_str("groups:\n");
        for (id, g) in &doc.groups {
            let _ = writeln!(out, "  {id}:");
            for (key, v) in group_fields(g) {
                if !v.is_empty() {
                    let _ = write!(out, "    {key}: ");
                    string_list(&mut out, v);
                    out.push('\n');
                }
            }
        }
    }
    out.push_str("applications:\n");
    for a in &doc.applications {
        out.push_str("  - id: ");
        quote(&mut out, &a.id);
        out.push('\n');
        for (key, v) in [
            ("vendor", &a.vendor),
            ("signerThumbprint", &a.signer_thumbprint),
            ("product", &a.product),
            ("fileName", &a.file_name),
            ("originalFileName", &a.original_file_name),
            ("sha256", &a.sha256),
            ("clsid", &a.clsid),
            ("path", &a.path),
            ("commandLine", &a.command_line),
        ] {
            if !v.is_empty() {
                let _ = write!(out, "    {key}: ");
                one_or_many(&mut out, v);
                out.push('\n');
            }
        }
        for (key, v) in [
            ("minVersion", &a.min_version),
            ("maxVersion", &a.max_version),
        ] {
            if let Some(v) = v {
                let _ = write!(out, "    {key}: ");
                quote(&mut out, v);
                out.push('\n');
            }
        }
    }
    out.push_str("privilegeLists:\n");
    for l in &doc.privilege_lists {
        out.push_str("  - id: ");
        quote(&mut out, &l.id);
        out.push('\n');
        if let Some(refs) = &l.applies_to {
            out.push_str("    appliesTo: ");
            applies_to(&mut out, refs);
            out.push('\n');
        }
        let _ = writeln!(out, "    elevation: {}", l.elevation.as_str());
        if let Some(d) = l.max_duration {
            let _ = writeln!(out, "    maxDuration: {d}");
        }
        out.push_str("    applications: ");
        applications(&mut out, &l.applications);
        if matches!(l.applications, Applications::All) {
            out.push('\n');
        }
    }
    if !doc.jit_policies.is_empty() {
        out.push_str("jitPolicies:\n");
        for j in &doc.jit_policies {
            out.push_str("  - id: ");
            quote(&mut out, &j.id);
            out.push('\n');
            if let Some(refs) = &j.applies_to {
                out.push_str("    appliesTo: ");
                applies_to(&mut out, refs);
                out.push('\n');
            }
            let _ = writeln!(
                out,
                "    from: {}",
                j.from.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            );
            let _ = writeln!(
                out,
                "    until: {}",
                j.until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            );
            out.push_str("    applications: ");
            applications(&mut out, &j.applications);
            if matches!(j.applications, Applications::All) {
                out.push('\n');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jitaccess::Policy;

    const N: usize = 1000;

    #[test]
    fn deterministic() {
        assert_eq!(generate(200).document, generate(200).document);
        let mut a = SplitMix64::new(1);
        let mut b = SplitMix64::new(1);
        assert_eq!(a.hex(32), b.hex(32));
        assert_eq!(a.guid().len(), 38);
    }

    #[test]
    fn mix_and_shape() {
        let w = generate(N);
        let doc = &w.document;
        assert_eq!(doc.applications.len(), N);
        let count = |p: &str| {
            doc.applications
                .iter()
                .filter(|a| a.id.starts_with(p))
                .count()
        };
        assert_eq!(count("hash-"), 300);
        assert_eq!(count("vp-"), 200);
        assert_eq!(count("vexe-"), 150);
        assert_eq!(count("folder-"), 100);
        assert_eq!(count("glob-"), 100);
        assert_eq!(count("clsid-"), 50);
        assert_eq!(count("thumb-"), 50);
        assert_eq!(count("deny-"), 50);
        assert_eq!(doc.privilege_lists.len(), 3);
        assert!(doc.privilege_lists.iter().any(|l| l.applies_to.is_some()));
        assert_eq!(doc.jit_policies.len(), 2);
        let big = generate(100_000);
        assert_eq!(big.document.privilege_lists.len(), 201);
        let vendors: HashSet<&str> = big
            .document
            .applications
            .iter()
            .filter_map(|a| a.vendor.0.first().map(String::as_str))
            .collect();
        assert!(vendors.len() > 250, "{}", vendors.len());
    }

    #[test]
    fn loads_from_document_and_yaml() {
        let w = generate(N);
        let from_doc = Policy::from_document(w.document.clone()).expect("document loads");
        let yaml = to_yaml(&w.document);
        let from_yaml = Policy::from_yaml(&yaml).expect("YAML loads");
        assert_eq!(from_doc.document(), &w.document);
        assert_eq!(from_yaml.document(), &w.document);
    }

    #[test]
    fn hits_and_miss() {
        let w = generate(N);
        let compiled = Policy::from_document(w.document.clone())
            .expect("loads")
            .compile();
        let names: Vec<&str> = w.hits.iter().map(|h| h.name).collect();
        assert_eq!(names, ["verified-exe", "file-hash", "folder", "deny"]);
        for h in &w.hits {
            let d = compiled.evaluate(&h.launch, at()).expect("well formed");
            assert_eq!(
                d.rule.as_deref(),
                Some(h.rule.as_str()),
                "{}: {}",
                h.name,
                d.reason
            );
            assert_eq!(d.outcome, h.outcome, "{}", h.name);
            assert_ne!(d.outcome, Outcome::None, "{}", h.name);
        }
        let d = compiled.evaluate(&w.miss, at()).expect("well formed");
        assert_eq!(d.outcome, Outcome::None, "{}", d.reason);
        assert!(d.rule.is_none() && d.shadowed.is_empty() && d.warnings.is_empty());
    }

    #[test]
    fn small_policies_work() {
        for n in [20, 100] {
            let w = generate(n);
            let compiled = Policy::from_document(w.document.clone())
                .expect("loads")
                .compile();
            assert_eq!(w.hits.len(), 4, "n = {n}");
            for h in &w.hits {
                let d = compiled.evaluate(&h.launch, at()).expect("well formed");
                assert_eq!(
                    d.rule.as_deref(),
                    Some(h.rule.as_str()),
                    "n = {n}, {}",
                    h.name
                );
            }
            let d = compiled.evaluate(&w.miss, at()).expect("well formed");
            assert_eq!(d.outcome, Outcome::None, "n = {n}: {}", d.reason);
        }
    }
}
