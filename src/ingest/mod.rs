//! Reading inputs into the model: registrar CSVs, PESC College Transcript XML and
//! CASE competency frameworks. Parsers are pure functions of bytes; [`load()`] is
//! the one place that touches the file system.

pub mod case;
pub mod csv;
pub mod json;
mod load;
pub mod pesc;
pub mod text;

pub use load::{CONFIG_FILE, Input, Summary, load, load_subset};
