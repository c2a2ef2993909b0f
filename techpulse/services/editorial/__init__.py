"""Writing stories: the one write path, input checks, revisions, drafts, images, staff lists."""
