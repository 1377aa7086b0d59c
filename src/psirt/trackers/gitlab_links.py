"""The GitLab tracker's linked issues: listed, linked and unlinked idempotently."""

from __future__ import annotations

from psirt.core.errors import NotFoundError, RemoteError
from psirt.core.records import IssueLink, IssueRef, LinkType
from psirt.trackers import gitlab_mapping as m
from psirt.trackers.gitlab_identity import GitLabIdentity


class GitLabLinks(GitLabIdentity):
    """Links between issues."""

    def issue_links(self, ref: IssueRef) -> list[IssueLink]:
        with self._remote("list linked issues", str(ref), project=ref.project):
            objs = self._issue(ref).links.list(get_all=True, **self._retry)
        return [m.link_from(m.attributes(o)) for o in objs]

    def link_issues(self, source: IssueRef, target: IssueRef, link_type: LinkType) -> None:
        """Idempotent: linking issues that are already linked is not an error."""
        data = {
            "target_project_id": target.project,
            "target_issue_iid": target.iid,
            "link_type": link_type,
        }
        try:
            with self._remote(
                f"link {target}", str(source), project=source.project, right="admin_issue_link"
            ):
                self._issue(source).links.create(data, **self._retry)
        except RemoteError:
            if target not in {link.target for link in self.issue_links(source)}:
                raise

    def unlink_issues(self, source: IssueRef, target: IssueRef) -> None:
        """Idempotent: unlinking issues that are not linked is not an error."""
        with self._remote("list linked issues", str(source), project=source.project):
            objs = self._issue(source).links.list(get_all=True, **self._retry)
        for obj in objs:
            data = m.attributes(obj)
            if m.issue_ref_of(data) != target:
                continue
            try:
                with self._remote(
                    f"unlink {target}",
                    str(source),
                    project=source.project,
                    right="admin_issue_link",
                ):
                    self._issue(source).links.delete(data["issue_link_id"], **self._retry)
            except NotFoundError:
                pass  # a retried delete whose first attempt landed
