"""dedupe."""
