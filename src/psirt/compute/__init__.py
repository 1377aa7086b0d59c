"""A fix's public facts, derived once from the snapshot (severity, versions, texts, order), the blog
post as a document, and what the CVE data should say."""
