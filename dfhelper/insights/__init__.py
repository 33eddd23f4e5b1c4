"""Insights for the practice: anonymous usage events and the report built from them."""
