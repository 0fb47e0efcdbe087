//! The extraction stages. Each is a function from model values (and read-only resources) to model
//! values; none of them sees the store.

pub mod entity;
pub mod event;
pub mod html;
pub mod mention;
pub mod quote;
pub mod rdf;
pub mod read;
pub mod relation;
pub mod text;
pub mod view;
