//! The `VS_VERSIONINFO` structure of a PE version resource (RT_VERSION), parsed by hand.
//!
//! Every block is `wLength, wValueLength, wType, szKey (UTF-16, NUL-terminated), padding to
//! 32 bits, Value, padding, Children`. Offsets are aligned relative to the start of the resource
//! data. Every length is checked against the enclosing block: a malformed resource gives fewer
//! strings, never a panic.

/// What the version resource says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct VersionResource {
    /// `VS_FIXEDFILEINFO` file version, four 16-bit parts.
    pub fixed_file_version: Option<[u16; 4]>,
    /// `VS_FIXEDFILEINFO` product version.
    pub fixed_product_version: Option<[u16; 4]>,
    /// Key of the chosen string table (`040904b0`), lower case.
    pub language: Option<String>,
    /// Strings of the chosen table, in file order.
    pub strings: Vec<(String, String)>,
}

impl VersionResource {
    /// The value of a string by key (exact key, as Windows does).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.strings
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// The fixed-info signature `0xFEEF04BD`.
const FIXED_SIGNATURE: u32 = 0xFEEF_04BD;

struct Block<'a> {
    key: String,
    /// 1 for text values, 0 for binary.
    kind: u16,
    value: &'a [u8],
    /// Position of the value in the whole buffer.
    value_start: usize,
    /// Children: positions `children.0..children.1` of the whole buffer.
    children: (usize, usize),
}

fn u16_at(buf: &[u8], pos: usize) -> Option<u16> {
    let b = buf.get(pos..pos.checked_add(2)?)?;
    Some(u16::from_le_bytes([b[0], b[1]]))
}

fn u32_at(buf: &[u8], pos: usize) -> Option<u32> {
    let b = buf.get(pos..pos.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn align4(pos: usize) -> usize {
    pos.saturating_add(3) & !3
}

/// Reads the block at `pos` that must end by `end`; returns it and the position of the next one.
fn read_block(buf: &[u8], pos: usize, end: usize) -> Option<(Block<'_>, usize)> {
    let length = usize::from(u16_at(buf, pos)?);
    let value_length = usize::from(u16_at(buf, pos + 2)?);
    let kind = u16_at(buf, pos + 4)?;
    if length < 6 {
        return None;
    }
    let block_end = pos.checked_add(length)?.min(end).min(buf.len());
    // The key: UTF-16 up to a NUL.
    let mut units = Vec::new();
    let mut p = pos + 6;
    loop {
        if p + 2 > block_end {
            return None;
        }
        let u = u16_at(buf, p)?;
        p += 2;
        if u == 0 {
            break;
        }
        units.push(u);
    }
    let key = String::from_utf16_lossy(&units);
    let value_start = align4(p).min(block_end);
    // Text values count UTF-16 units, binary values bytes.
    let value_bytes = if kind == 1 {
        value_length.saturating_mul(2)
    } else {
        value_length
    };
    let value_end = value_start.saturating_add(value_bytes).min(block_end);
    let value = buf.get(value_start..value_end)?;
    let children_start = align4(value_end).min(block_end);
    Some((
        Block {
            key,
            kind,
            value,
            value_start,
            children: (children_start, block_end),
        },
        align4(block_end),
    ))
}

/// The blocks at `start..end` (siblings).
fn blocks(buf: &[u8], start: usize, end: usize) -> Vec<Block<'_>> {
    let mut out = Vec::new();
    let mut pos = start;
    // Each block takes at least 8 bytes, so this ends; the cap guards against silly input.
    while pos + 6 <= end && out.len() < 4096 {
        match read_block(buf, pos, end) {
            Some((b, next)) if next > pos => {
                out.push(b);
                pos = next;
            }
            _ => break,
        }
    }
    out
}

/// A text value: UTF-16 up to the first NUL, surrounding blanks trimmed.
fn text(value: &[u8]) -> String {
    let units: Vec<u16> = value
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .take_while(|&u| u != 0)
        .collect();
    String::from_utf16_lossy(&units).trim().to_string()
}

/// Parses a `VS_VERSIONINFO` resource. `None` when it is not one at all.
pub(crate) fn parse(buf: &[u8]) -> Option<VersionResource> {
    let (root, _) = read_block(buf, 0, buf.len())?;
    if root.key != "VS_VERSION_INFO" {
        return None;
    }
    let mut out = VersionResource::default();
    if root.value.len() >= 52 && u32_at(root.value, 0) == Some(FIXED_SIGNATURE) {
        let ms_ls = |at: usize| -> Option<[u16; 4]> {
            let ms = u32_at(root.value, at)?;
            let ls = u32_at(root.value, at + 4)?;
            Some([(ms >> 16) as u16, ms as u16, (ls >> 16) as u16, ls as u16])
        };
        out.fixed_file_version = ms_ls(8);
        out.fixed_product_version = ms_ls(16);
    }
    let mut tables: Vec<(String, Vec<(String, String)>)> = Vec::new();
    let mut translations: Vec<String> = Vec::new();
    for child in blocks(buf, root.children.0, root.children.1) {
        match child.key.as_str() {
            "StringFileInfo" => {
                for table in blocks(buf, child.children.0, child.children.1) {
                    let strings = blocks(buf, table.children.0, table.children.1)
                        .into_iter()
                        .map(|s| (s.key.clone(), string_value(buf, &s)))
                        .collect();
                    tables.push((table.key.to_ascii_lowercase(), strings));
                }
            }
            "VarFileInfo" => {
                for var in blocks(buf, child.children.0, child.children.1) {
                    if var.key == "Translation" && var.kind == 0 {
                        for pair in var.value.chunks_exact(4) {
                            let lang = u16::from_le_bytes([pair[0], pair[1]]);
                            let cp = u16::from_le_bytes([pair[2], pair[3]]);
                            translations.push(format!("{lang:04x}{cp:04x}"));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    // The table the translation block names (in its order), else the first table.
    let chosen = translations
        .iter()
        .find_map(|t| tables.iter().position(|(k, _)| k == t))
        .or(if tables.is_empty() { None } else { Some(0) });
    if let Some(i) = chosen {
        let (key, strings) = tables.swap_remove(i);
        out.language = Some(key);
        out.strings = strings;
    }
    Some(out)
}

/// The text of a `String` block: from the value start to the end of the block, up to the NUL.
fn string_value(buf: &[u8], block: &Block<'_>) -> String {
    if block.kind != 1 {
        return text(block.value);
    }
    // Some writers give wValueLength in bytes, or zero: read the text up to the end of the
    // block (the first NUL ends it) instead of trusting the count.
    buf.get(block.value_start..block.children.1)
        .map(text)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16z(s: &str) -> Vec<u8> {
        let mut v: Vec<u8> = s.encode_utf16().flat_map(u16::to_le_bytes).collect();
        v.extend([0, 0]);
        v
    }

    /// Builds a block with children, padding as the format wants.
    fn block(key: &str, kind: u16, value: &[u8], value_len: u16, children: &[Vec<u8>]) -> Vec<u8> {
        let mut v = vec![0, 0];
        v.extend(value_len.to_le_bytes());
        v.extend(kind.to_le_bytes());
        v.extend(utf16z(key));
        while v.len() % 4 != 0 {
            v.push(0);
        }
        v.extend(value);
        for c in children {
            while v.len() % 4 != 0 {
                v.push(0);
            }
            v.extend(c);
        }
        let len = v.len() as u16;
        v[0..2].copy_from_slice(&len.to_le_bytes());
        v
    }

    fn string(key: &str, value: &str) -> Vec<u8> {
        let val = utf16z(value);
        block(key, 1, &val, (val.len() / 2) as u16, &[])
    }

    #[test]
    fn picks_the_translated_table_and_survives_truncation() {
        let de = block("040704b0", 1, &[], 0, &[string("ProductName", "Produkt")]);
        let en = block(
            "040904B0",
            1,
            &[],
            0,
            &[
                string("ProductName", "Product"),
                string("CompanyName", "Co"),
            ],
        );
        let sfi = block("StringFileInfo", 1, &[], 0, &[de, en]);
        let tr = block("Translation", 0, &[0x09, 0x04, 0xb0, 0x04], 4, &[]);
        let vfi = block("VarFileInfo", 1, &[], 0, &[tr]);
        let mut fixed = Vec::new();
        for w in [
            FIXED_SIGNATURE,
            0x10000,
            0x0001_0002,
            0x0003_0004,
            0x0005_0006,
            0,
        ] {
            fixed.extend(w.to_le_bytes());
        }
        fixed.resize(52, 0);
        let root = block("VS_VERSION_INFO", 0, &fixed, 52, &[sfi, vfi]);
        let v = parse(&root).unwrap();
        assert_eq!(v.fixed_file_version, Some([1, 2, 3, 4]));
        assert_eq!(v.fixed_product_version, Some([5, 6, 0, 0]));
        assert_eq!(v.language.as_deref(), Some("040904b0"));
        assert_eq!(v.get("ProductName"), Some("Product"));
        assert_eq!(v.get("CompanyName"), Some("Co"));
        // Every truncation and every single-byte change parses without panicking.
        for n in 0..root.len() {
            let _ = parse(&root[..n]);
            let mut bad = root.clone();
            bad[n] ^= 0xFF;
            let _ = parse(&bad);
        }
        assert!(parse(&root[..10]).is_none());
    }
}
