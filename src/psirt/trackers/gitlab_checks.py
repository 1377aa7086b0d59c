"""What ``psirt doctor`` asks GitLab beyond the tracker port: whether a project is there for
the token's user, and which labels it has (its own and its groups', as issues can carry both:
``GET /projects/:id/labels?include_ancestor_groups=true``, doc/api/labels.md)."""

from __future__ import annotations

import gitlab

from psirt.trackers.gitlab import GitLabTracker


def project_visible(tracker: GitLabTracker, project: str) -> bool:
    """Whether ``GET /projects/:id`` answers: GitLab says 404 alike for a project that does
    not exist and one the token's user cannot see. Other failures raise as the tracker's do."""
    with tracker._remote("read project", project):  # one request, errors as the tracker words them
        try:
            tracker._gl.projects.get(project, **tracker._retry)
        except gitlab.GitlabGetError as exc:
            if exc.response_code == 404:
                return False
            raise
    return True


def project_labels(tracker: GitLabTracker, project: str) -> set[str]:
    """The names of the labels an issue of ``project`` can carry (project and group labels)."""
    with tracker._remote("list labels", project):
        labels = tracker._gl.projects.get(project, lazy=True).labels.list(
            get_all=True, include_ancestor_groups=True, **tracker._retry
        )
    return {str(label.attributes.get("name") or "") for label in labels} - {""}
