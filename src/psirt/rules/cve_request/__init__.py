"""CVE request rules (``CVE``): the YAML fields, the title, the description, the labels.

Each check takes a ``CveSubject`` (the request, its security issue and the snapshot) and reports
on the CVE request issue; the field named first in each message is the YAML key or the issue
part at fault (``cwe: CWE-400 is Discouraged by MITRE; consider CWE-770, CWE-771``).

One module per subject. The registry runs the checks of a kind in the order they were
registered, and importing any of these modules runs this file first, so the order below is the
order of the findings whatever imports them: the YAML as a whole, then its fields, then the
title, the description and the labels.
"""

# Each module registers its checks on import; this order, not the alphabet's, is kept.
from psirt.rules.cve_request import (  # noqa: F401, I001
    fields,
    cwe,
    product,
    versions,
    impact,
    credit,
    references,
    title,
    description,
    labels,
)
