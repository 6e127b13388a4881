//! phiguard-ai: not built yet.
