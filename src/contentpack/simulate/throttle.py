"""Throttling as Enterprise Security applies it: ``alert.suppress``, ``alert.suppress.fields``,
``alert.suppress.period``.

savedsearches.conf.spec: "alert.suppress = 0 | 1 * Specifies whether alert suppression is enabled for this
scheduled search"; "alert.suppress.period = <time-specifier> * Sets the suppression period. Use
[number][time-unit] to specify a time"; "alert.suppress.fields = <comma-delimited-field-list> * List of
fields to use when suppressing per-result alerts". ES exposes the same pair as a correlation search's
throttling "Window duration" and "Fields to group by" (splunk.es Ansible collection,
``throttle_window_duration``: "How much time to ignore other events that match the field values specified in
Fields to group by", https://docs.ansible.com/ansible/latest/collections/splunk/es/
splunk_correlation_searches_module.html).

ES's *Correlation search tutorial* (ES 7.3, Part 4: Schedule the correlation search): "By default, each result
returned by the correlation search generates an alert"; with a one-day window and "app and src as Fields to group
by ... no matter how many ... matches there are in one day that contain the same app and source field values, only
one alert is created". The Alerting Manual's *Throttle alerts*, per-result: "After an alert on one event where
both the product_category field AND the best_sellers have value arcade, subsequent events with the arcade value
in the product_category and the best_sellers field are suppressed during the throttling time period".

So: per combination of the group-by fields' values, the first result raises its actions (notable, risk) and
starts a window of ``period`` from that run's time; results with the same values from runs inside the window
are dropped — across runs and within one run. A suppressed result does not extend the window. The build writes
``alert.digest_mode = 1`` beside the fields, as ES's own per-event alerting does (its upgrader sets
``alert.digest_mode``, ``alert.suppress`` and the group-by fields together; the splunk.es collection maps the
correlation-search editor's "Fields to group by" to ``alert.suppress.fields`` beside ``alert.digest_mode``), so
suppression stays per field values (tests/replay/test_sim_es_fidelity.py reads the settings from the built stanza).
The nearest ES page on risk, *Suppressing false positives using alert throttling* (ES 7.3 RBA,
https://docs.splunk.com/Documentation/ES/7.3.2/RBA/UseDynamicThrottling), warns that "Throttling settings can
prevent some risk events from surfacing, even though they might be indicative of threat", but it is about risk
incident rules and does not name the risk action, so that part stays assumed.
Assumed (not stated): a missing field counts as the empty value, suppression covers every alert action (notable
and risk alike), and a run at exactly the first firing + ``period`` fires: the window is [run, run + period). In Splunk that run hangs on seconds of search time; ES's own
searches write the period 100 s under the gap they mean (``86300s``), so that run fires there too.
Neither page says how a result holding several values in a group-by field is keyed (each value? the first? all
of them?), and each reading suppresses different findings, so such a result is refused (:class:`MultivalueKey`):
the detection keys its throttle on one value (``mvjoin`` of the sorted values, say).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from contentpack.content.model import Throttling
from contentpack.durations import duration_seconds
from contentpack.spl.values import Value, mv_values, to_str

__all__ = ["MultivalueKey", "Throttle"]


class MultivalueKey(ValueError):
    """A result whose throttle (group-by) field holds several values: how ES keys it is not documented."""


def _key_part(name: str, value: Value) -> str:
    texts = [text for text in (to_str(v) for v in mv_values(value)) if text is not None]
    if len(texts) > 1:
        raise MultivalueKey(
            f"throttle field '{name}' holds {len(texts)} values in a result ({', '.join(texts[:3])}"
            f"{', ...' if len(texts) > 3 else ''}): no Splunk page says how alert suppression keys a multivalue "
            "field, so which findings it suppresses is unknown; give the throttle a one-value field (for "
            "example eval the field's sorted values joined with mvjoin)")
    return texts[0] if texts else ""


@dataclass
class Throttle:
    """Suppression state of one detection across the runs of a timeline (no throttling: admits all)."""

    fields: tuple[str, ...] = ()
    period: float = 0.0
    _until: dict[tuple[str, ...], float] = field(default_factory=dict)

    @classmethod
    def of(cls, throttling: Throttling | None) -> Throttle:
        if throttling is None:
            return cls()
        return cls(tuple(throttling.fields), duration_seconds(throttling.period))

    def key(self, row: Mapping[str, Value]) -> tuple[str, ...]:
        """The row's suppression key; raises MultivalueKey for a field holding several values."""
        return tuple(_key_part(name, row.get(name)) for name in self.fields)

    def admit(self, row: Mapping[str, Value], run_time: float) -> bool:
        """Whether the row's actions fire at ``run_time``; a firing row starts its suppression window. Raises
        MultivalueKey (see the module docstring)."""
        if self.period <= 0:
            return True
        key = self.key(row)
        until = self._until.get(key)
        if until is not None and run_time < until:
            return False
        self._until[key] = run_time + self.period
        return True
