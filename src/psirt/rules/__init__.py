"""The checks, one module per subject; each rule has a stable code, a level and a hint."""
