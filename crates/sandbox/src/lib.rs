//! phiguard-sandbox: not built yet.
