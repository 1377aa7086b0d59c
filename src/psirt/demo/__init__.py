"""The embedded demo workspace."""
