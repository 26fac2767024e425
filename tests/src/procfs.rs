//! A process tree's memory from `/proc`, for the app benchmarks: the app and every process it
//! started (WebKit's web and network processes), with RSS from `status` and PSS/USS from
//! `smaps_rollup` (PSS splits shared pages fairly between the processes that map them).

/// `root` and all its descendants, root first.
pub fn with_descendants(root: u32) -> Vec<u32> {
    let parents: Vec<(u32, u32)> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let pid: u32 = e.file_name().to_str()?.parse().ok()?;
            let ppid = u32::try_from(status_kib(pid, "PPid:")?).ok()?;
            Some((pid, ppid))
        })
        .collect();
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        let p = out[i];
        out.extend(parents.iter().filter(|(_, pp)| *pp == p).map(|(c, _)| *c));
        i += 1;
    }
    out
}

/// The process's command name.
pub fn comm(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// A numeric field of `/proc/PID/status` (kB values, or `PPid:`).
pub fn status_kib(pid: u32, field: &str) -> Option<u64> {
    field_of(
        &std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?,
        field,
    )
}

/// A field of `/proc/PID/smaps_rollup` in kB (`Pss:`, `Private_Clean:`...).
pub fn rollup_kib(pid: u32, field: &str) -> Option<u64> {
    field_of(
        &std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?,
        field,
    )
}

fn field_of(text: &str, field: &str) -> Option<u64> {
    text.lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process_and_finds_it_first_in_its_tree() {
        let me = std::process::id();
        assert!(status_kib(me, "VmRSS:").is_some_and(|k| k > 0));
        assert!(rollup_kib(me, "Pss:").is_some_and(|k| k > 0));
        assert_eq!(with_descendants(me)[0], me);
        assert!(!comm(me).is_empty());
    }
}
