"""dfhelper: step-by-step help with NHS online services for GP practices in England."""

__version__ = "0.1.0"
