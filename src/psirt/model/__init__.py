"""The domain model: versions, release, security issues, CVE requests, findings."""
