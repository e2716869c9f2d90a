"""Entra ID OAuth-consent detection pack toolchain: validate, build and replay Splunk ESCU-format content."""

__version__ = "0.1.0"
