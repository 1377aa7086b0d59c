"""The local workspace's file format, shared by the local tracker and the local bounty."""
