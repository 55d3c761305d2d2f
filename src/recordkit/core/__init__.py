"""Foundations every package may use: errors, settings, workspace, money, dates, unit codes, personal data, file names, atomic writes, sheets."""
