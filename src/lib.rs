//! phiguard facade.
pub use phiguard_phi as phi;
