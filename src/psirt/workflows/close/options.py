"""What ``psirt close`` was asked to do: its steps, and how the blog post's URL is known."""

from __future__ import annotations

from dataclasses import dataclass

CLOSE_ISSUES, PUBLISH_CVES, NOTIFY_HACKERONE = "close-issues", "publish-cves", "notify-hackerone"


@dataclass(frozen=True)
class CloseOptions:
    close_issues: bool = True
    publish_cves: bool = True
    notify_hackerone: bool = True
    release_issue: int | None = None
    blog_url: str | None = None
    blog_published: bool = False

    @property
    def discloses(self) -> bool:
        """Publication and notification make the vulnerability public."""
        return self.publish_cves or self.notify_hackerone

    @property
    def steps(self) -> tuple[str, ...]:
        chosen = (
            (CLOSE_ISSUES, self.close_issues),
            (PUBLISH_CVES, self.publish_cves),
            (NOTIFY_HACKERONE, self.notify_hackerone),
        )
        return tuple(name for name, on in chosen if on)
