//! The Merkle tree of RFC 9162 §2.1 (the same as RFC 6962's): leaf hash `SHA-256(0x00 ‖ data)`,
//! node hash `SHA-256(0x01 ‖ left ‖ right)`, the root of the empty tree `SHA-256("")`; inclusion
//! proofs (§2.1.3) and consistency proofs (§2.1.4) with their verification algorithms.

use sha2::{Digest, Sha256};

/// A SHA-256 hash.
pub type Hash = [u8; 32];

/// The hash of a leaf: `SHA-256(0x00 ‖ data)`.
///
/// ```
/// use jitaccess::audit::merkle::leaf_hash;
/// assert_eq!(leaf_hash(b"")[0], 0x6e);
/// ```
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data);
    h.finalize().into()
}

/// The hash of an interior node: `SHA-256(0x01 ‖ left ‖ right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The root of the empty tree: `SHA-256("")`.
pub fn empty_root() -> Hash {
    Sha256::digest(b"").into()
}

/// The largest power of two smaller than `n` (`n >= 2`).
fn split(n: u64) -> u64 {
    1u64 << (63 - (n - 1).leading_zeros())
}

/// An append-only tree that keeps only the roots of its perfect subtrees (its "frontier"):
/// O(log n) memory, O(1) amortized hashing per leaf, the root at any time.
///
/// ```
/// use jitaccess::audit::merkle::{Frontier, leaf_hash, root_of};
/// let leaves: Vec<_> = (0u8..5).map(|i| leaf_hash(&[i])).collect();
/// let mut f = Frontier::default();
/// for l in &leaves { f.push(*l); }
/// assert_eq!(f.size(), 5);
/// assert_eq!(f.root(), root_of(&leaves));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Frontier {
    size: u64,
    /// Perfect subtree roots, largest (leftmost) first; one per set bit of `size`.
    stack: Vec<Hash>,
}

impl Frontier {
    /// Appends one leaf hash.
    pub fn push(&mut self, leaf: Hash) {
        let mut h = leaf;
        let mut s = self.size;
        while s & 1 == 1 {
            match self.stack.pop() {
                Some(left) => h = node_hash(&left, &h),
                None => break,
            }
            s >>= 1;
        }
        self.stack.push(h);
        self.size += 1;
    }

    /// The number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The tree head (root hash) of the leaves so far.
    pub fn root(&self) -> Hash {
        let mut it = self.stack.iter().rev();
        let Some(last) = it.next() else {
            return empty_root();
        };
        it.fold(*last, |acc, left| node_hash(left, &acc))
    }
}

/// The root (MTH) of a tree over already-hashed leaves.
pub fn root_of(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => empty_root(),
        1 => leaves[0],
        n => {
            let k = split(n as u64) as usize;
            node_hash(&root_of(&leaves[..k]), &root_of(&leaves[k..]))
        }
    }
}

/// The inclusion proof (audit path) of leaf `index` in the tree over `leaves` (RFC 9162
/// §2.1.3.1), or `None` when the index is out of range.
pub fn inclusion_proof(leaves: &[Hash], index: u64) -> Option<Vec<Hash>> {
    if index >= leaves.len() as u64 {
        return None;
    }
    let mut out = Vec::new();
    path(leaves, index as usize, &mut out);
    Some(out)
}

fn path(leaves: &[Hash], m: usize, out: &mut Vec<Hash>) {
    let n = leaves.len();
    if n <= 1 {
        return;
    }
    let k = split(n as u64) as usize;
    if m < k {
        path(&leaves[..k], m, out);
        out.push(root_of(&leaves[k..]));
    } else {
        path(&leaves[k..], m - k, out);
        out.push(root_of(&leaves[..k]));
    }
}

/// Why a proof did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProofError {
    /// The leaf index is not below the tree size.
    #[error("leaf index {index} is not below the tree size {size}")]
    IndexOutOfRange {
        /// The index.
        index: u64,
        /// The tree size.
        size: u64,
    },
    /// The proof has the wrong number of hashes for its sizes.
    #[error("the proof has the wrong number of hashes")]
    WrongLength,
    /// The recomputed root is not the expected one.
    #[error("the recomputed root does not match")]
    RootMismatch,
    /// The second tree is smaller than the first.
    #[error("tree size {second} is smaller than {first}")]
    Shrunk {
        /// The first size.
        first: u64,
        /// The second size.
        second: u64,
    },
}

/// Verifies an inclusion proof (RFC 9162 §2.1.3.2).
///
/// ```
/// use jitaccess::audit::merkle::{inclusion_proof, leaf_hash, root_of, verify_inclusion};
/// let leaves: Vec<_> = (0u8..7).map(|i| leaf_hash(&[i])).collect();
/// let proof = inclusion_proof(&leaves, 3).unwrap();
/// assert!(verify_inclusion(&leaves[3], 3, 7, &proof, &root_of(&leaves)).is_ok());
/// ```
pub fn verify_inclusion(
    leaf: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    let mut f = index;
    let mut s = size - 1;
    let mut r = *leaf;
    for p in proof {
        if s == 0 {
            return Err(ProofError::WrongLength);
        }
        if f & 1 == 1 || f == s {
            r = node_hash(p, &r);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(ProofError::WrongLength);
    }
    if r != *root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// The consistency proof between the tree of the first `first` leaves and the tree over all
/// `leaves` (RFC 9162 §2.1.4.1), or `None` when `first` is larger than the tree.
pub fn consistency_proof(leaves: &[Hash], first: u64) -> Option<Vec<Hash>> {
    if first > leaves.len() as u64 {
        return None;
    }
    let mut out = Vec::new();
    if first > 0 {
        subproof(first as usize, leaves, true, &mut out);
    }
    Some(out)
}

fn subproof(m: usize, leaves: &[Hash], complete: bool, out: &mut Vec<Hash>) {
    let n = leaves.len();
    if m == n {
        if !complete {
            out.push(root_of(leaves));
        }
        return;
    }
    let k = split(n as u64) as usize;
    if m <= k {
        subproof(m, &leaves[..k], complete, out);
        out.push(root_of(&leaves[k..]));
    } else {
        subproof(m - k, &leaves[k..], false, out);
        out.push(root_of(&leaves[..k]));
    }
}

/// Verifies a consistency proof between two tree heads (RFC 9162 §2.1.4.2).
///
/// ```
/// use jitaccess::audit::merkle::{consistency_proof, leaf_hash, root_of, verify_consistency};
/// let leaves: Vec<_> = (0u8..9).map(|i| leaf_hash(&[i])).collect();
/// let proof = consistency_proof(&leaves, 5).unwrap();
/// assert!(verify_consistency(5, 9, &root_of(&leaves[..5]), &root_of(&leaves), &proof).is_ok());
/// ```
pub fn verify_consistency(
    first: u64,
    second: u64,
    first_root: &Hash,
    second_root: &Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    if second < first {
        return Err(ProofError::Shrunk { first, second });
    }
    if first == second {
        if !proof.is_empty() {
            return Err(ProofError::WrongLength);
        }
        return if first_root == second_root {
            Ok(())
        } else {
            Err(ProofError::RootMismatch)
        };
    }
    if first == 0 {
        // Every tree is consistent with the empty tree.
        return if proof.is_empty() {
            Ok(())
        } else {
            Err(ProofError::WrongLength)
        };
    }
    let mut path: Vec<Hash> = Vec::with_capacity(proof.len() + 1);
    if first.is_power_of_two() {
        path.push(*first_root);
    }
    path.extend_from_slice(proof);
    let Some((head, rest)) = path.split_first() else {
        return Err(ProofError::WrongLength);
    };
    let mut f = first - 1;
    let mut s = second - 1;
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    let mut fr = *head;
    let mut sr = *head;
    for c in rest {
        if s == 0 {
            return Err(ProofError::WrongLength);
        }
        if f & 1 == 1 || f == s {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(ProofError::WrongLength);
    }
    if fr != *first_root || sr != *second_root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// The number of hashes in an inclusion proof of `index` in a tree of `size` leaves,
/// computed from the sizes alone (no tree needed).
///
/// ```
/// use jitaccess::audit::merkle::inclusion_proof_len;
/// assert_eq!(inclusion_proof_len(0, 10_000_000), 24);
/// ```
pub fn inclusion_proof_len(index: u64, size: u64) -> usize {
    let (mut m, mut n, mut len) = (index, size, 0);
    while n > 1 {
        let k = split(n);
        if m < k {
            n = k;
        } else {
            m -= k;
            n -= k;
        }
        len += 1;
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hd(s: &str) -> Hash {
        let mut out = [0u8; 32];
        for (i, o) in out.iter_mut().enumerate() {
            *o = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
        }
        out
    }

    /// transparency-dev/merkle testonly `LeafInputs`.
    fn leaf_inputs() -> Vec<Vec<u8>> {
        [
            "",
            "00",
            "10",
            "2021",
            "3031",
            "40414243",
            "5051525354555657",
            "606162636465666768696a6b6c6d6e6f",
        ]
        .iter()
        .map(|s| {
            (0..s.len() / 2)
                .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
                .collect()
        })
        .collect()
    }

    fn leaves() -> Vec<Hash> {
        leaf_inputs().iter().map(|d| leaf_hash(d)).collect()
    }

    /// transparency-dev/merkle testonly `RootHashes`, by tree size 0..=8.
    const ROOTS: [&str; 9] = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    #[test]
    fn kat_leaf_hashes() {
        let l = leaves();
        assert_eq!(
            l[0],
            hd("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
        );
        assert_eq!(
            l[7],
            hd("46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1")
        );
    }

    #[test]
    fn kat_roots_recursive_and_frontier() {
        let l = leaves();
        let mut f = Frontier::default();
        assert_eq!(f.root(), hd(ROOTS[0]));
        for (n, want) in ROOTS.iter().enumerate() {
            assert_eq!(root_of(&l[..n]), hd(want), "size {n}");
            if n > 0 {
                f.push(l[n - 1]);
                assert_eq!(f.root(), hd(want), "frontier size {n}");
            }
        }
    }

    #[test]
    fn kat_inclusion_proofs() {
        let l = leaves();
        let cases: [(u64, usize, &[&str]); 6] = [
            (0, 1, &[]),
            (
                0,
                2,
                &["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"],
            ),
            (
                1,
                2,
                &["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"],
            ),
            (
                2,
                3,
                &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
            ),
            (
                1,
                5,
                &[
                    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                ],
            ),
            (
                5,
                8,
                &[
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ],
            ),
        ];
        for (index, size, want) in cases {
            let want: Vec<Hash> = want.iter().map(|s| hd(s)).collect();
            let got = inclusion_proof(&l[..size], index).unwrap();
            assert_eq!(got, want, "{index}:{size}");
            assert_eq!(inclusion_proof_len(index, size as u64), want.len());
            verify_inclusion(
                &l[index as usize],
                index,
                size as u64,
                &got,
                &hd(ROOTS[size]),
            )
            .unwrap();
        }
    }

    #[test]
    fn kat_consistency_proofs() {
        let l = leaves();
        let cases: [(u64, usize, &[&str]); 4] = [
            (1, 1, &[]),
            (
                1,
                8,
                &[
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ],
            ),
            (
                2,
                5,
                &[
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                ],
            ),
            (
                6,
                8,
                &[
                    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ],
            ),
        ];
        for (first, size, want) in cases {
            let want: Vec<Hash> = want.iter().map(|s| hd(s)).collect();
            let got = consistency_proof(&l[..size], first).unwrap();
            assert_eq!(got, want, "{first}:{size}");
            verify_consistency(
                first,
                size as u64,
                &hd(ROOTS[first as usize]),
                &hd(ROOTS[size]),
                &got,
            )
            .unwrap();
        }
    }

    /// Every proof of every pair of sizes up to 40 verifies, and a flipped bit, a wrong index or
    /// a wrong root never does.
    #[test]
    fn all_small_proofs_round_trip_and_reject_tampering() {
        let l: Vec<Hash> = (0u32..40).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        for n in 1..=l.len() {
            let root = root_of(&l[..n]);
            for m in 0..n as u64 {
                let p = inclusion_proof(&l[..n], m).unwrap();
                assert_eq!(p.len(), inclusion_proof_len(m, n as u64));
                verify_inclusion(&l[m as usize], m, n as u64, &p, &root).unwrap();
                let other = (m + 1) % n as u64;
                if other != m {
                    assert!(verify_inclusion(&l[m as usize], other, n as u64, &p, &root).is_err());
                }
                if let Some(first) = p.first() {
                    let mut bad = p.clone();
                    bad[0][0] ^= 1;
                    assert_ne!(bad[0], *first);
                    assert!(verify_inclusion(&l[m as usize], m, n as u64, &bad, &root).is_err());
                }
            }
            for first in 0..=n as u64 {
                let p = consistency_proof(&l[..n], first).unwrap();
                let r1 = root_of(&l[..first as usize]);
                verify_consistency(first, n as u64, &r1, &root, &p).unwrap();
                if first > 0 && (first as usize) < n {
                    let mut wrong = r1;
                    wrong[31] ^= 0x80;
                    assert!(verify_consistency(first, n as u64, &wrong, &root, &p).is_err());
                }
            }
        }
    }
}
