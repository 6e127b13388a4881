//! phiguard-vendors: not built yet.
