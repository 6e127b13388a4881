//! phiguard-clickup: not built yet.
