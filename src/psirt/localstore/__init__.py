"""The local workspace's file format, shared by the local tracker and the local bounty: one record
per file, read strictly, written atomically.

Issue and merge request files are YAML front matter plus a verbatim markdown body; report files
are plain YAML. Writes go through ruamel.yaml's round-trip mode and *merge* the new record into
the nodes already on disk, so a change to one field keeps the team's comments, key order and
quoting everywhere else, and re-saving an unchanged record leaves the file byte-identical.
Reading is strict: every problem becomes a ``WorkspaceError`` naming the file, the line and what
was expected, because these files are written by hand.

One module per job:

- ``yaml_io``: YAML text in and out (loaders, dumping in the file's own indentation);
- ``fields``: typed access to a mapping, errors naming file, line and key;
- ``merge``: a record merged into the nodes on disk;
- ``front_matter``: front matter plus body files, named by iid;
- ``issues``, ``merge_requests``, ``reports``: each record's keys, decoding and encoding;
- ``record_files``: reading through a cache, writing through ``atomic.atomic_write``.
"""
