"""Storage: the ledger database (tables, connection, migrations).

The archive tree and the search index join this package in later capabilities.
"""
