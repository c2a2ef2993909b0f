"""The audit log in plain words: "published the story “AI in Vadodara”", not ``article.published``.

Each action has a sentence (after who did it) with ``{target}`` and ``{detail}`` filled in;
an action without one is shown as its words ("something.happened" → "something happened").
"""

from __future__ import annotations

from techpulse.models import AuditEvent

PHRASES = {
    # Stories
    "article.created": "started the story “{target}”",
    "article.saved": "saved the story “{target}”",
    "article.submitted": "submitted “{target}” for review",
    "article.published": "published the story “{target}”",
    "article.scheduled": "scheduled “{target}” for {detail}",
    "article.rescheduled": "moved “{target}” to {detail}",
    "article.went_live": "put “{target}” live as scheduled",
    "article.unpublished": "unpublished the story “{target}”",
    "article.restored": "restored “{target}” to {detail}",
    "article.reslugged": "changed a story's address: {detail}",
    "article.deleted": "deleted the story “{detail}” for good",
    "article.trashed": "moved the story “{target}” to the trash",
    "article.untrashed": "brought the story “{target}” back from the trash",
    "article.purged": "emptied the story “{target}” from the trash",
    "article.commented": "commented on “{target}”",
    "article.sent_back": "sent “{target}” back to its author: {detail}",
    "article.approved": "approved “{target}”",
    "article.imported": "imported the story “{target}” ({detail})",
    "article.preview_link_created": "made a preview link for “{target}”",
    "article.preview_link_revoked": "revoked a preview link of “{target}”",
    # Pages
    "page.created": "created the page “{target}”",
    "page.updated": "edited the page “{target}” ({detail})",
    "page.published": "published the page “{target}”",
    "page.unpublished": "made the page “{target}” a draft",
    "page.trashed": "moved the page “{target}” to the trash",
    "page.untrashed": "brought the page “{target}” back from the trash",
    "page.purged": "emptied the page “{target}” from the trash",
    "page.imported": "imported the page “{target}” ({detail})",
    # Media
    "image.uploaded": "uploaded the image “{target}”",
    "image.alt_text_changed": "changed the alt text of “{target}” to “{detail}”",
    "image.deleted": "deleted the image “{target}”",
    "image.trashed": "moved the image “{target}” to the trash",
    "image.untrashed": "brought the image “{target}” back from the trash",
    "image.purged": "emptied the image “{target}” from the trash",
    # Sections and tags
    "category.created": "created the category “{detail}”",
    "category.renamed": "renamed a category: {detail}",
    "category.reslugged": "changed a category's address: {detail}",
    "category.deleted": "deleted the category “{target}” ({detail})",
    "tag.renamed": "renamed a tag: {detail}",
    "tag.reslugged": "changed a tag's address: {detail}",
    "tag.deleted": "deleted the tag “{target}” ({detail})",
    # Messages
    "message.status": "marked message {target} as {detail}",
    "message.note_added": "added a note to message {target}",
    "message.deleted": "deleted message {target}",
    # People and logins
    "login.succeeded": "logged in",
    "login.failed": "failed to log in as {target}",
    "login.rate_limited": "was paused after too many logins as {target} ({detail})",
    "login.two_factor_failed": "entered a wrong two-factor code",
    "logout": "logged out",
    "password.reset_requested": "asked for a password reset for {target}",
    "user.created": "added {target} ({detail})",
    "user.imported": "imported {target} ({detail})",
    "user.password_changed": "changed the password of {target}",
    "user.password_link": "made a set-password link for {target}",
    "user.role_changed": "changed the role of {target}: {detail}",
    "user.activated": "reactivated {target}",
    "user.deactivated": "deactivated {target}",
    "user.profile_changed": "edited the profile of {target} ({detail})",
    "two_factor.enabled": "turned on two-factor login",
    "two_factor.disabled": "turned off two-factor login for {target}",
    "two_factor.required": "required two-factor login for all staff",
    "two_factor.optional": "made two-factor login optional",
    "two_factor.recovery_codes_renewed": "made new recovery codes",
    "two_factor.recovery_code_used": "logged in with a recovery code ({detail})",
    # The site and the server
    "settings.changed": "changed the site settings ({detail})",
    "site.backed_up": "made the backup {target} ({detail})",
    "site.restored": "restored the backup {target} ({detail})",
    "site.exported": "exported the site to {target} ({detail})",
    "site.imported": "imported the site export {target} ({detail})",
    "trash.purged": "emptied the trash ({detail})",
}
# The filter groups the actions by what they are about.
GROUPS = {
    "article": "Stories",
    "page": "Pages",
    "image": "Media",
    "category": "Categories",
    "tag": "Tags",
    "message": "Messages",
    "login": "Logins",
    "user": "People",
    "two_factor": "Two-factor login",
    "site": "Backups, exports and imports",
}


def describe(event: AuditEvent) -> str:
    """What happened, in words (without who did it)."""
    phrase = PHRASES.get(event.action)
    if phrase is None:
        words = event.action.replace(".", " ").replace("_", " ")
        return f"{words} {event.target}".strip()
    return phrase.format(target=event.target, detail=event.detail)


def label(action: str) -> str:
    """An action as the filter offers it: "published the story", for ``article.published``."""
    phrase = PHRASES.get(action, action.replace(".", " ").replace("_", " "))
    return phrase.split("“")[0].replace("{target}", "…").replace("{detail}", "…").strip()
