"""CNA back ends: request or publish CVE records (gitlab-cves, CVE Services, local)."""
