//! Any bytes on the Converse stream decode to a request or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use prost::Message;
use rapport::proto::ConverseRequest;

fuzz_target!(|bytes: &[u8]| {
    let _ = ConverseRequest::decode(bytes);
});
