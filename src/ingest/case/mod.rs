//! CASE CFPackage JSON (1.0, 1.1) and OpenSALT CSV import files. (Being written.)
