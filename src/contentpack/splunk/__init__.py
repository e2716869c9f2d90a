"""Talking to a real Splunk deployment through ``splunk-sdk`` (``splunklib``): deploy the pack, replay its tests.

Everything that reaches a server goes through :mod:`contentpack.splunk.client` (credentials, TLS, timeouts,
retries, error messages that never carry a secret). ``deploy`` puts the built app on a search head (package or
object by object), ``ingest`` sends a test's attack data to an index, and ``remote_replay`` runs the pack's
detection tests on the server with the same checks as the local replay (``contentpack.replay``), and
``remote_backtest`` runs the backtest's scheduled simulation with each run's search dispatched to the server.

The tests run the real splunklib code against a protocol-level test double of splunkd (``tests/splunk``), not
against Splunk: what they prove is the client side of the protocol, not Splunk's own behaviour.
"""
