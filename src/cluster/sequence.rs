//! Signal sequences in cluster mode come from the Redis stream entry id `<ms>-<seq>`, packed
//! into one u64 as `ms << 20 | seq`: global (one stream for all replicas), monotonic (Redis
//! ids only grow, and the millisecond part survives a Redis restart that lost the stream), and
//! reversible, so `from_sequence` maps back to a stream position. 44 bits of milliseconds
//! last until the year 2527; 20 bits allow a million entries within one millisecond.

const SEQ_BITS: u32 = 20;
const SEQ_MASK: u64 = (1 << SEQ_BITS) - 1;

/// `"1732700000000-3"` → its sequence; `None` if it is not an id or does not fit.
pub fn pack(stream_id: &str) -> Option<u64> {
    let (ms, seq) = stream_id.split_once('-')?;
    let (ms, seq): (u64, u64) = (ms.parse().ok()?, seq.parse().ok()?);
    (ms < 1 << (64 - SEQ_BITS) && seq <= SEQ_MASK).then_some(ms << SEQ_BITS | seq)
}

/// The stream entry id of a sequence.
pub fn unpack(sequence: u64) -> String {
    format!("{}-{}", sequence >> SEQ_BITS, sequence & SEQ_MASK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs_and_unpacks_stream_ids() {
        let id = "1795000000123-7";
        let sequence = pack(id).unwrap();
        assert_eq!(sequence, (1_795_000_000_123 << 20) | 7);
        assert_eq!(unpack(sequence), id);
    }

    #[test]
    fn sequences_follow_stream_order() {
        let ids = [
            "1795000000123-0",
            "1795000000123-1",
            "1795000000124-0",
            "1795000001000-12",
        ];
        let sequences: Vec<u64> = ids.iter().map(|id| pack(id).unwrap()).collect();
        assert!(sequences.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn rejects_what_is_not_a_stream_id_or_does_not_fit() {
        assert_eq!(pack("abc"), None);
        assert_eq!(pack("12"), None);
        assert_eq!(pack("1-1048576"), None);
        assert_eq!(pack(&format!("{}-0", 1u64 << 44)), None);
        assert_eq!(pack("0-0"), Some(0));
    }
}
