//! `kgx export`: every format read back (tests written with the export command).
