"""The builder: a validated pack -> a Splunk Enterprise Security app (``dist/``). Entry point: ``builder.build``."""
