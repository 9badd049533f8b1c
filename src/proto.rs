//! Types and service stubs generated from `proto/rapport/v1`.

tonic::include_proto!("rapport.v1");

/// Serialized descriptors of the API, for server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("rapport_descriptor");
