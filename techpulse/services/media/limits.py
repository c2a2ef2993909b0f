"""What an upload may be, told to forms and scripts without loading the image libraries."""

from __future__ import annotations

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
ACCEPTED_TYPES = "image/jpeg,image/png,image/webp,image/gif,image/heic,image/heif,.heic,.heif"
