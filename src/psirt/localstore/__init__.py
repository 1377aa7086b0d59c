"""The local workspace's file format, read and written by the local tracker and the local bounty platform."""
