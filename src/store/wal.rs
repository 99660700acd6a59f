//! Reading the write-ahead log before SQLite does, to tell the user when committed changes in
//! it cannot be replayed. SQLite stops at the first frame whose checksum fails and silently
//! drops everything after it; marks committed there would be lost without a word.
//!
//! The format (sqlite.org/fileformat.html, "WAL file format"): a 32-byte header with a magic
//! number that gives the checksum byte order, the page size and two salts; then frames of a
//! 24-byte header (page number, database size for a commit frame, the salts, a cumulative
//! checksum) and one page. Frames of this generation carry the header's salts; older frames
//! left behind by a reset carry other salts and are not damage.

use std::path::Path;

const HEADER: usize = 32;
const FRAME_HEADER: usize = 24;

/// What the log says about frames SQLite will not replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalDamage {
    /// Frames SQLite will replay.
    pub valid_frames: usize,
    /// Commits of this generation after the first bad frame: lost.
    pub lost_commits: usize,
    /// The file ends inside a frame of this generation.
    pub cut_short: bool,
}

impl WalDamage {
    pub fn message(&self, wal: &Path) -> String {
        let name = wal
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut m = format!("the journal {name} is damaged");
        if self.cut_short {
            m.push_str(" (cut short)");
        }
        if self.lost_commits > 0 {
            m.push_str(&format!(
                ": {} saved change{} after its first {} page{} could not be recovered",
                self.lost_commits,
                if self.lost_commits == 1 { "" } else { "s" },
                self.valid_frames,
                if self.valid_frames == 1 { "" } else { "s" },
            ));
        } else {
            m.push_str("; recent marks may be missing");
        }
        m
    }
}

fn be(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// SQLite's WAL checksum over `data` (a multiple of 8 bytes), continuing from `s`.
fn checksum(data: &[u8], big_endian: bool, mut s: (u32, u32)) -> (u32, u32) {
    for pair in data.chunks_exact(8) {
        let word = |i: usize| {
            let w = [pair[i], pair[i + 1], pair[i + 2], pair[i + 3]];
            if big_endian {
                u32::from_be_bytes(w)
            } else {
                u32::from_le_bytes(w)
            }
        };
        s.0 = s.0.wrapping_add(word(0)).wrapping_add(s.1);
        s.1 = s.1.wrapping_add(word(4)).wrapping_add(s.0);
    }
    s
}

/// Inspects the bytes of a WAL file; `None` when it is empty, not a WAL, or intact.
pub fn inspect(wal: &[u8]) -> Option<WalDamage> {
    if wal.len() < HEADER {
        return None;
    }
    let big_endian = match be(wal, 0) {
        0x377f_0682 => false,
        0x377f_0683 => true,
        _ => return None,
    };
    let page = be(wal, 8) as usize;
    if !(512..=65536).contains(&page) || !page.is_power_of_two() {
        return None;
    }
    let salts = (be(wal, 16), be(wal, 20));
    let mut sum = checksum(&wal[..24], big_endian, (0, 0));
    if sum != (be(wal, 24), be(wal, 28)) {
        return None;
    }
    let frame = FRAME_HEADER + page;
    let (mut valid, mut last_commit, mut at) = (0usize, 0usize, HEADER);
    let mut broken = false;
    let mut lost_commits = 0;
    let mut cut_short = false;
    while at < wal.len() {
        let rest = &wal[at..];
        let ours = rest.len() >= 16 && (be(rest, 8), be(rest, 12)) == salts;
        if !ours {
            break;
        }
        if rest.len() < frame {
            cut_short = true;
            break;
        }
        let is_commit = be(rest, 4) != 0;
        if !broken {
            let s = checksum(
                &rest[FRAME_HEADER..frame],
                big_endian,
                checksum(&rest[..8], big_endian, sum),
            );
            if s == (be(rest, 16), be(rest, 20)) {
                sum = s;
                valid += 1;
                if is_commit {
                    last_commit = valid;
                }
            } else {
                broken = true;
            }
        }
        if broken && is_commit {
            lost_commits += 1;
        }
        at += frame;
    }
    (broken || cut_short).then_some(WalDamage {
        valid_frames: last_commit,
        lost_commits,
        cut_short,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_follow_the_documented_recurrence() {
        let data = [1u8, 0, 0, 0, 2, 0, 0, 0];
        // s0 = 0 + 1 + 0 = 1; s1 = 0 + 2 + 1 = 3 (little-endian words).
        assert_eq!(checksum(&data, false, (0, 0)), (1, 3));
        assert_eq!(inspect(b"not a wal at all, nothing to see here"), None);
    }
}
