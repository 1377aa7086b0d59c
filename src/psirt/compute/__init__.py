"""Pure computations over the release snapshot: what the CVE data should say."""
