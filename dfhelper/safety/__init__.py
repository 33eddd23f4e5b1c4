"""The safety net: red flags in what patients type, and redaction before anything is kept."""
