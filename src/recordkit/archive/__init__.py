"""The archive: filing (numbers, placement, sidecars), filing rules, scans, text extraction, the inbox watcher."""
