"""The ground floor: records, versions, identifiers, findings, configuration and errors; it imports nothing else from psirt."""
