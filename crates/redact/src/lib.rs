//! phiguard-redact: not built yet.
