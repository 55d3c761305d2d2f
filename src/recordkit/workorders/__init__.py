"""Work orders (repairs and complaints) and the logbook import."""
