//! phiguard-audit: not built yet.
