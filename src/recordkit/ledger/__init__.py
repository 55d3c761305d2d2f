"""The ledger database: connection, tables, migrations, and the append-only journal."""
