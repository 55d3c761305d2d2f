"""The archive: filing (numbers, placement, sidecars), filing rules, scans, text extraction, intake (filing and indexing in one step), the inbox watcher."""
