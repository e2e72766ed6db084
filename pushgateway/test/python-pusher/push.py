"""A batch job as a Python team writes one, with Debian's python3-prometheus-client.

Built for pushgateway/test/python-client.test.ts:
    push.py <gateway address> push|pushadd|delete [user password]
"""
import sys

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Summary
from prometheus_client.exposition import (
    basic_auth_handler,
    default_handler,
    delete_from_gateway,
    push_to_gateway,
    pushadd_to_gateway,
)

gateway, action = sys.argv[1], sys.argv[2]
credentials = sys.argv[3:5]


def handler(url, method, timeout, headers, data):
    if credentials:
        return basic_auth_handler(url, method, timeout, headers, data, credentials[0], credentials[1])
    return default_handler(url, method, timeout, headers, data)


# A grouping value with a slash: the client sends it base64-encoded (`school@base64/…`).
grouping = {'instance': 'runner-1', 'school': 'Manila/North'}
registry = CollectorRegistry()
records = Counter('batch_records', 'Records the batch processed.', ['table'], registry=registry)
records.labels('students').inc(42)
records.labels('questions "quoted" \\ and\nnewline').inc(7.5)
Gauge('batch_last_success_timestamp_seconds', 'When the batch last succeeded.', registry=registry).set(1.7648e9)
items = Summary('batch_item_seconds', 'Time per item.', registry=registry)
for v in (0.1, 0.2, 0.3):
    items.observe(v)
duration = Histogram('batch_duration_seconds', 'Batch time.', buckets=(0.5, 1, 5), registry=registry)
for v in (0.3, 0.7, 2, 9):
    duration.observe(v)

if action == 'push':
    push_to_gateway(gateway, job='nightly_import', registry=registry, grouping_key=grouping, handler=handler)
elif action == 'pushadd':
    extra = CollectorRegistry()
    Gauge('batch_workers', 'Workers the batch ran.', registry=extra).set(3)
    pushadd_to_gateway(gateway, job='nightly_import', registry=extra, grouping_key=grouping, handler=handler)
elif action == 'delete':
    delete_from_gateway(gateway, job='nightly_import', grouping_key=grouping, handler=handler)
else:
    sys.exit(f'unknown action {action}')
