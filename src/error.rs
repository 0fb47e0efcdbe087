//! Errors with the position they concern. Every message names the file (and line, rule id or
//! query position where there is one) so that a user can go straight to the problem.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: no such file or directory")]
    Missing { path: PathBuf },
    #[error("{path}: {message}")]
    Io { path: PathBuf, message: String },
    #[error("{path}: not a text file (binary or not UTF-8 at byte {offset})")]
    NotText { path: PathBuf, offset: usize },
    #[error("{path}: empty file")]
    Empty { path: PathBuf },
    #[error("{path}:{line}: {message}")]
    Input {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{path}:{line}: rule `{rule}`: {message}")]
    Rule {
        path: PathBuf,
        line: usize,
        rule: String,
        message: String,
    },
    #[error("{path}:{line}: {message}")]
    Resource {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("invalid SPARQL query: {0}")]
    Query(String),
    #[error("store {path} is in use by another kgx process (its lock is held); stop that process or use another --store")]
    StoreLocked { path: PathBuf },
    #[error("store {path}: {message}")]
    Store { path: PathBuf, message: String },
    #[error("{0}")]
    Other(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn io(path: impl Into<PathBuf>, e: std::io::Error) -> Self {
        let path = path.into();
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::Missing { path }
        } else {
            Error::Io {
                path,
                message: e.to_string(),
            }
        }
    }
}
