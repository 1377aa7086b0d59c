"""Parsers of GitLab-shaped texts: details and links tables, task lists, the CVE YAML block."""
