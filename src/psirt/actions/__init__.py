"""Plans of typed actions, the executor that applies them idempotently, and the journal."""
