"""Pages every order of the account, 100 to a request, with auto-paging; prints one JSON
line: {"count": N, "seconds": S}. Run with STATESET_API_KEY and STATESET_BASE_URL set."""

import json
import time

import stateset

with stateset.Client() as client:
    started = time.perf_counter()
    count = sum(1 for _ in client.orders.list(limit=100).auto_paging_iter())
    seconds = time.perf_counter() - started

print(json.dumps({"count": count, "seconds": round(seconds, 3)}))
