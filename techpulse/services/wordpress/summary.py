"""What an import did: counts, skipped items with reasons, warnings."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

KEEP_IN_HISTORY = 200  # lines of each list kept in the import history
KEEP_IN_MEMORY = 1000  # items listed one by one; a huge export only adds to the counts


@dataclass
class Summary:
    """The running tally of one import."""

    dry_run: bool = False
    uploads: bool = False
    media_option: str = "--uploads"  # how the command is given the old site's images
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    comments: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    skipped_total: int = 0
    warnings: list[str] = field(default_factory=list)
    shortcodes: Counter[str] = field(default_factory=Counter)
    external_images: list[str] = field(default_factory=list)

    def count(self, label: str, outcome: str) -> None:
        """Tally one item's outcome: imported, updated, unchanged, or a reason it was skipped."""
        if outcome in ("imported", "updated", "unchanged"):
            setattr(self, outcome, getattr(self, outcome) + 1)
        else:
            self.skip(label, outcome)

    def skip(self, label: str, reason: str) -> None:
        """Note an item that was not imported, and why."""
        self.skipped_total += 1
        if len(self.skipped) < KEEP_IN_MEMORY:
            self.skipped.append((label, reason))

    def lines(self) -> list[str]:
        """The summary as printed at the end of the command."""
        verb = "Would import" if self.dry_run else "Imported"
        lines = [
            f"{verb} {self.imported}, updated {self.updated}, unchanged {self.unchanged}, "
            f"skipped {self.skipped_total}."
        ]
        if self.comments:
            lines.append(f"Comments not imported (the site has no comments): {self.comments}.")
        if self.shortcodes:
            names = ", ".join(f"[{name}] ×{n}" for name, n in sorted(self.shortcodes.items()))
            lines.append(f"Shortcodes that cannot be shown, removed (their text kept): {names}.")
        if self.external_images:
            option = self.media_option
            why = "not in the folder given" if self.uploads else f"no {option} folder given"
            lines.append(f"Images kept as links to the old site ({why}):")
            lines += [f"  {url}" for url in dict.fromkeys(self.external_images)]
        if self.skipped:
            lines.append("Skipped:")
            lines += [f"  {label}: {reason}" for label, reason in self.skipped]
            if self.skipped_total > len(self.skipped):
                lines.append(f"  … and {self.skipped_total - len(self.skipped)} more")
        if self.warnings:
            lines.append("Warnings:")
            lines += [f"  {warning}" for warning in dict.fromkeys(self.warnings)]
        if self.dry_run:
            lines.append("Dry run: nothing was written.")
        return lines

    def details(self) -> dict[str, Any]:
        """What the import history keeps besides the counts (long lists cut short)."""
        return {
            "comments": self.comments,
            "shortcodes": dict(self.shortcodes),
            "external_images": list(dict.fromkeys(self.external_images))[:KEEP_IN_HISTORY],
            "skipped": [list(pair) for pair in self.skipped[:KEEP_IN_HISTORY]],
            "skipped_total": self.skipped_total,
            "warnings": list(dict.fromkeys(self.warnings))[:KEEP_IN_HISTORY],
            "lines": self.lines()[:KEEP_IN_HISTORY],
        }
