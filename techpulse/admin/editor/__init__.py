"""The article editor's helpers (part of the articles resource): autosave, live preview,
inline image upload, and text kept across a new login."""
