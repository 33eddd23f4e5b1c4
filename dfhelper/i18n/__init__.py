"""Translations: gettext catalogs managed with Babel, and the translator the engine renders through.

Pure: imports nothing from a UI toolkit.
"""
