"""Backtest: run the whole pack over a tenant's own exported logs, as Enterprise Security would have run it.

``inputs`` reads the logs users have (Event Hub JSON, Splunk search exports, gzip, folders) in one pass,
keeping only the lines some detection can match (``rawfilter``) and the fields detections read.
"""
