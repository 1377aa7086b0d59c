"""Orchestration of each command: load the snapshot, apply the pure core, return results."""
