"""The release as the workflows see it: security issues with their parsed tables, CVE requests,
canonical issues and reports, and which merge requests ship."""
