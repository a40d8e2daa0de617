//! PESC College Transcript XML. (Being written.)
