"""Reference knowledge: CWE catalog, CVSS, CPE, maintenance policy, calendar, stakeholders."""
