//! The knowledge base: the store and everything that reads it. Nothing here sees tokens.

pub mod export;
pub mod lookup;
pub mod query;
pub mod serve;
pub mod store;
