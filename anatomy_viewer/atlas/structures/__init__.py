"""One module per region; each registers its structures with @recipe."""
