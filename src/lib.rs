//! kgx: a rule-based knowledge-graph extractor for cultural journalism.
//!
//! Data flows one way: [`extract::read`] → [`extract::text`] → [`extract::mention`] →
//! [`extract::entity`] → [`extract::relation`] → [`extract::rdf`], driven by [`pipeline`] over
//! read-only [`resources`]; the [`kb`] side stores the quads and answers questions. See
//! ARCHITECTURE.md.

pub mod bench;
pub mod check;
pub mod cli;
pub mod error;
pub mod eval;
pub mod extract;
pub mod identity;
pub mod ingest;
pub mod kb;
pub mod model;
pub mod pipeline;
pub mod resources;
pub mod vocab;

pub use error::{Error, Result};
