"""The ground floor: records, versions, identifiers, findings, configuration and errors.

It imports nothing else from psirt."""
