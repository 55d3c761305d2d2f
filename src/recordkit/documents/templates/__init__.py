"""The template engine, its checks and the built-in designs."""
