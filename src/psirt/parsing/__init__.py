"""Texts to values: the Details and Links tables, task lists, the council note, the CVE YAML
block, the blog post, inline Markdown."""
