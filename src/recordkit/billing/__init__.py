"""Fee rules, bills, payments and their allocation, receipts, the fee registers and the daily report."""
