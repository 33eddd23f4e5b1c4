"""The desk console: reception's live list of patients who asked for help at a kiosk."""
