//! The files a build writes per learner, chosen with `build --outputs`.

use std::fmt;

/// One kind of output file of a learner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Output {
    /// `clr.json`: the signed CLR 2.0 ClrCredential.
    Clr,
    /// `transcript.pdf`.
    Pdf,
    /// `transcript.html`.
    Html,
    /// `transcript.xml`: the PESC College Transcript 1.8.0.
    Pesc,
}

impl Output {
    /// Every output, in the order files are written.
    pub const ALL: [Output; 4] = [Output::Clr, Output::Pdf, Output::Html, Output::Pesc];

    /// Its name on the command line and in the manifest.
    pub fn name(self) -> &'static str {
        match self {
            Output::Clr => "clr",
            Output::Pdf => "pdf",
            Output::Html => "html",
            Output::Pesc => "pesc",
        }
    }

    /// The file it is written to, in the learner's directory.
    pub fn file_name(self) -> &'static str {
        match self {
            Output::Clr => "clr.json",
            Output::Pdf => "transcript.pdf",
            Output::Html => "transcript.html",
            Output::Pesc => "transcript.xml",
        }
    }

    /// The output named `name` (any case).
    pub fn parse(name: &str) -> Option<Output> {
        Output::ALL.into_iter().find(|o| o.name().eq_ignore_ascii_case(name.trim()))
    }
}

impl fmt::Display for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for o in Output::ALL {
            assert_eq!(Output::parse(o.name()), Some(o));
        }
        assert_eq!(Output::parse(" PESC "), Some(Output::Pesc));
        assert_eq!(Output::parse("xml"), None);
    }
}
