"""seeds package."""
