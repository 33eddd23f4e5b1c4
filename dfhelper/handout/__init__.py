"""Take-home handouts: one flow, for one patient's circumstances, as printable HTML (no Textual)."""
