//! The PE layout that inspect needs, read with the `object` crate: the format (PE32/PE32+), where
//! the checksum and the certificate-table entry sit (both left out of the Authenticode digest),
//! the certificate table itself, and the VERSIONINFO resource.
//!
//! Reads go through [`object::ReadCache`] over the caller's `Read + Seek`: only the headers, the
//! resource directory and the certificate table are read here; the rest of the file is streamed
//! by the caller. Every size taken from the file is checked against the file and a limit first.

use std::io::{Read, Seek};

use object::pe::{self, ImageNtHeaders32, ImageNtHeaders64};
use object::read::pe::{ImageNtHeaders, PeFile, ResourceDirectoryEntryData};
use object::{LittleEndian as LE, ReadCache, ReadRef};

use super::versioninfo::{self, VersionResource};
use super::{Format, MAX_CERT_TABLE, MAX_RESOURCE_SECTION, MAX_VERSION_RESOURCE};

/// What the PE headers say.
#[derive(Debug, Default)]
pub(crate) struct PeLayout {
    /// PE32 or PE32+.
    pub format: Format,
    /// File offset of the 4-byte `CheckSum` field of the optional header.
    pub checksum_offset: u64,
    /// File offset of the 8-byte certificate-table (security) data directory entry, when the
    /// optional header has one.
    pub security_entry_offset: Option<u64>,
    /// File offset and size of the certificate table, when the entry is not empty.
    pub cert_table_range: Option<(u64, u64)>,
    /// The certificate table, when it could be read.
    pub cert_table: Option<Vec<u8>>,
    /// The version resource, when there is one.
    pub version: Option<VersionResource>,
    /// What could not be read (the facts that depend on it are absent).
    pub notes: Vec<String>,
}

/// Reads the PE layout. `Ok(None)` when the data is not a PE file at all; the reader comes back
/// for streaming either way.
pub(crate) fn read<R: Read + Seek>(reader: R) -> (R, Result<Option<PeLayout>, String>) {
    let cache = ReadCache::new(reader);
    let result = layout(&cache);
    (cache.into_inner(), result)
}

fn layout<R: Read + Seek>(cache: &ReadCache<R>) -> Result<Option<PeLayout>, String> {
    match object::FileKind::parse(cache) {
        Ok(object::FileKind::Pe32) => parse::<ImageNtHeaders32, _>(cache, Format::Pe32).map(Some),
        Ok(object::FileKind::Pe64) => {
            parse::<ImageNtHeaders64, _>(cache, Format::Pe32Plus).map(Some)
        }
        _ => {
            // "MZ" but no usable PE header is a broken PE file, not some other format.
            let mz = cache.read_bytes_at(0, 2).ok() == Some(b"MZ".as_slice());
            let pe_sig = cache
                .read_at::<object::U32<LE>>(0x3C)
                .ok()
                .map(|o| u64::from(o.get(LE)))
                .and_then(|o| cache.read_bytes_at(o, 4).ok())
                == Some(b"PE\0\0".as_slice());
            if mz && pe_sig {
                Err("PE headers: not a PE32 or PE32+ image".into())
            } else {
                Ok(None)
            }
        }
    }
}

fn parse<'data, Pe: ImageNtHeaders, R: Read + Seek + 'data>(
    cache: &'data ReadCache<R>,
    format: Format,
) -> Result<PeLayout, String> {
    let file = PeFile::<Pe, &ReadCache<R>>::parse(cache).map_err(|e| format!("PE headers: {e}"))?;
    let file_len = cache
        .len()
        .map_err(|()| "cannot read the file length".to_string())?;
    let nt = u64::from(file.dos_header().nt_headers_offset());
    // Signature (4) + IMAGE_FILE_HEADER (20) = start of the optional header.
    let optional = nt + 4 + 20;
    let mut out = PeLayout {
        format,
        // CheckSum sits at offset 64 of both optional header kinds.
        checksum_offset: optional + 64,
        ..PeLayout::default()
    };
    let dirs = file.data_directories();
    // Data directories start at 96 (PE32) or 112 (PE32+); the security entry is number 4.
    let dirs_start = match format {
        Format::Pe32 => optional + 96,
        _ => optional + 112,
    };
    if let Some(sec) = dirs.get(pe::IMAGE_DIRECTORY_ENTRY_SECURITY) {
        out.security_entry_offset =
            Some(dirs_start + 8 * pe::IMAGE_DIRECTORY_ENTRY_SECURITY as u64);
        // For this entry the "virtual address" is a file offset.
        let (offset, size) = sec.address_range();
        if offset != 0 || size != 0 {
            let (offset, size) = (u64::from(offset), u64::from(size));
            out.cert_table_range = Some((offset, size));
            if offset.checked_add(size).is_none_or(|end| end > file_len) {
                out.notes.push(format!(
                    "certificate table at {offset}+{size} runs past the end of the file ({file_len} bytes)"
                ));
            } else if size > MAX_CERT_TABLE {
                out.notes.push(format!(
                    "certificate table of {size} bytes is over the limit of {MAX_CERT_TABLE}"
                ));
            } else {
                match cache.read_bytes_at(offset, size) {
                    Ok(bytes) => out.cert_table = Some(bytes.to_vec()),
                    Err(()) => out.notes.push("cannot read the certificate table".into()),
                }
            }
        }
    }
    match version_resource(&file, cache) {
        Ok(v) => out.version = v,
        Err(e) => out.notes.push(format!("VERSIONINFO: {e}")),
    }
    Ok(out)
}

fn version_resource<'data, Pe: ImageNtHeaders, R: Read + Seek + 'data>(
    file: &PeFile<'data, Pe, &'data ReadCache<R>>,
    cache: &'data ReadCache<R>,
) -> Result<Option<VersionResource>, String> {
    let dirs = file.data_directories();
    let Some(entry) = dirs.get(pe::IMAGE_DIRECTORY_ENTRY_RESOURCE) else {
        return Ok(None);
    };
    let (_, size) = entry.address_range();
    if size == 0 {
        return Ok(None);
    }
    if u64::from(size) > MAX_RESOURCE_SECTION {
        return Err(format!(
            "resource directory of {size} bytes is over the limit of {MAX_RESOURCE_SECTION}"
        ));
    }
    let sections = file.section_table();
    let Some(dir) = dirs
        .resource_directory(cache, &sections)
        .map_err(|e| e.to_string())?
    else {
        return Ok(None);
    };
    let root = dir.root().map_err(|e| e.to_string())?;
    let Some(types) = root
        .entries
        .iter()
        .find(|e| !e.has_name() && e.name_or_id.get(LE) == u32::from(pe::RT_VERSION))
    else {
        return Ok(None);
    };
    // type -> first name -> first language -> data.
    let mut data = types.data(dir).map_err(|e| e.to_string())?;
    for _ in 0..2 {
        let ResourceDirectoryEntryData::Table(table) = data else {
            return Err("malformed RT_VERSION directory".into());
        };
        let Some(first) = table.entries.first() else {
            return Ok(None);
        };
        data = first.data(dir).map_err(|e| e.to_string())?;
    }
    let ResourceDirectoryEntryData::Data(leaf) = data else {
        return Err("malformed RT_VERSION directory".into());
    };
    let rva = leaf.offset_to_data.get(LE);
    let size = u64::from(leaf.size.get(LE)).min(MAX_VERSION_RESOURCE);
    let (offset, available) = sections
        .pe_file_range_at(rva)
        .ok_or_else(|| format!("RT_VERSION data at RVA {rva:#x} is outside every section"))?;
    let bytes = cache
        .read_bytes_at(u64::from(offset), size.min(u64::from(available)))
        .map_err(|()| format!("cannot read the RT_VERSION data at RVA {rva:#x}"))?;
    versioninfo::parse(bytes)
        .map(Some)
        .ok_or_else(|| "the RT_VERSION resource is not a VS_VERSIONINFO block".to_string())
}
