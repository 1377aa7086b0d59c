"""Bug bounty platforms: the local workspace's reports, or HackerOne's API."""
