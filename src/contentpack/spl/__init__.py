"""A self-contained engine for Splunk's Search Processing Language (SPL1) over JSON events.

This subpackage imports nothing from the rest of ``contentpack``; it could be published on its own.
"""
