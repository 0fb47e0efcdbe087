//! Resources: the ontology, the gazetteers and the rules, loaded and validated once, then
//! read-only for every stage.

pub mod gazetteer;
pub mod lazy;
pub mod names;
pub mod ontology;
pub mod prefilter;
pub mod rules;

pub use gazetteer::Gazetteer;
pub use names::PersonNames;
pub use ontology::Ontology;
pub use rules::RuleSet;

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// Everything extraction needs besides the text.
#[derive(Debug)]
pub struct Resources {
    /// The directory holding `ontologies/` and `data/`.
    pub root: PathBuf,
    pub ontology: Ontology,
    pub gazetteer: Gazetteer,
    /// Given names and surname endings (person-name shapes).
    pub names: PersonNames,
    pub rules: RuleSet,
}

impl Resources {
    /// Loads `ROOT/ontologies/kgx.ttl`, `ROOT/data/gazetteers/*.tsv` (and the name lists) and `ROOT/data/rules/*.toml`.
    pub fn load(root: &Path) -> Result<Resources> {
        let ontology = Ontology::load(&root.join("ontologies/kgx.ttl"))?;
        let gazetteer = Gazetteer::load(&root.join("data/gazetteers"))?;
        let names = PersonNames::load(&root.join("data/gazetteers"))?;
        let rules = RuleSet::load(&root.join("data/rules"), &ontology)?;
        Ok(Resources {
            root: root.to_path_buf(),
            ontology,
            gazetteer,
            names,
            rules,
        })
    }

    /// Finds the resource root: the explicit one, else the current directory or one of its
    /// parents holding `data/rules` and `ontologies/`, else the source tree kgx was built from.
    pub fn locate(explicit: Option<&Path>) -> Result<PathBuf> {
        if let Some(p) = explicit {
            if !p.join("ontologies/kgx.ttl").is_file() {
                return Err(Error::Other(format!(
                    "{}: not a kgx resource directory (no ontologies/kgx.ttl)",
                    p.display()
                )));
            }
            return Ok(p.to_path_buf());
        }
        let is_root =
            |p: &Path| p.join("ontologies/kgx.ttl").is_file() && p.join("data/rules").is_dir();
        if let Ok(cwd) = std::env::current_dir() {
            for dir in cwd.ancestors() {
                if is_root(dir) {
                    return Ok(dir.to_path_buf());
                }
            }
        }
        let built = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        if is_root(&built) {
            return Ok(built);
        }
        Err(Error::Other(
            "cannot find kgx's resources (ontologies/kgx.ttl, data/rules): run from the kgx directory or pass --resources DIR".into(),
        ))
    }
}
