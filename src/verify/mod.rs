//! The check catalogue: from a bundle, recompute and cross-check everything, locating every
//! discrepancy.

pub mod result;
