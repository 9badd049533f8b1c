//! HTTP/2 flow-control windows, chosen so a pipelining client is slowed by flow control and
//! never disconnected by h2's small-DATA-frame budget.
//!
//! h2 (≥ 0.4.16) charges every received DATA frame smaller than 256 bytes `256 − payload`
//! bytes against a per-connection budget until the application reads it, and closes the
//! connection with `ENHANCE_YOUR_CALM "too_many_data_frames"` when the budget runs out. The
//! budget is half the connection window (at least 25,600); neither tonic nor hyper can set it.
//! A Converse stream stops reading at `max_in_flight_per_stream`, so a client that keeps
//! sending leaves frames unread, up to the *stream* window. With hyper's defaults (1 MiB stream
//! and connection windows, so a 512 KiB budget) one stream of 47-byte turns could leave
//! ~20,000 frames unread, and the budget ran out after ~2,600.
//!
//! So the stream window is small and the connection window large: a stream leaves at most
//! `STREAM_WINDOW` bytes unread, which for 52-byte frames (a 47-byte turn plus the gRPC prefix)
//! is 630 frames charging ~128 KiB; the budget of `CONNECTION_WINDOW / 2` = 32 MiB covers 256
//! such streams stalled at once on one connection (86 with 20-byte turns). A single stream of
//! small turns is slowed by its window long before the budget. Unread data per connection stays
//! bounded by `streams × STREAM_WINDOW` (and by the connection window). 32 KiB per stream is far
//! above what one stream needs for the model's throughput (~600 turns/s × ~100 bytes).

/// `SETTINGS_INITIAL_WINDOW_SIZE`: unread bytes a client may have outstanding per stream.
pub const STREAM_WINDOW: u32 = 32 * 1024;

/// Connection-level window; h2's small-frame budget is half of it.
pub const CONNECTION_WINDOW: u32 = 64 * 1024 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    /// The worst case the comment promises: 256 streams of 52-byte frames stalled at once.
    #[test]
    fn stalled_streams_of_small_turns_stay_inside_the_frame_budget() {
        let budget = CONNECTION_WINDOW as usize / 2;
        let frame = 52;
        let per_stream = STREAM_WINDOW as usize / frame * (256 - frame);
        assert!(256 * per_stream <= budget, "{per_stream}");
    }
}
