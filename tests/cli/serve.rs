//! `kgx serve`: real HTTP clients against the endpoint (tests written with the serve command).
