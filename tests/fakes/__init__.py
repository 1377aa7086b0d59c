"""Stateful fake servers that speak real HTTP on 127.0.0.1 to the real client libraries."""
