"""What ``psirt doctor`` asks GitLab beyond the tracker port: whether a project is there for
the token's user, and which labels it has (its own and its groups', as issues can carry both:
``GET /projects/:id/labels?include_ancestor_groups=true``, doc/api/labels.md)."""

from __future__ import annotations

import gitlab

from psirt.trackers.gitlab_identity import GitLabIdentity


class GitLabChecks(GitLabIdentity):
    """Projects and their labels, as ``psirt doctor`` checks them."""

    def project_visible(self, project: str) -> bool:
        """Whether ``GET /projects/:id`` answers: GitLab says 404 alike for a project that
        does not exist and one the token's user cannot see. Other failures raise as the
        tracker's do."""
        with self._remote("read project", project):
            try:
                self._gl.projects.get(project, **self._retry)
            except gitlab.GitlabGetError as exc:
                if exc.response_code == 404:
                    return False
                raise
        return True

    def project_labels(self, project: str) -> set[str]:
        """The names of the labels an issue of ``project`` can carry (project and group
        labels)."""
        with self._remote("list labels", project):
            labels = self._project(project).labels.list(
                get_all=True, include_ancestor_groups=True, **self._retry
            )
        return {str(label.attributes.get("name") or "") for label in labels} - {""}
