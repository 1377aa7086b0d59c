"""Trackers: where issues, notes, links and merge requests live (local workspace or GitLab)."""
