"""Images: the library (upload, alt text, usage), file storage, Pillow processing, drawn cards."""
