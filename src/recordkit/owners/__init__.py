"""Units and their owners: the roster import and export, listing and showing units."""
