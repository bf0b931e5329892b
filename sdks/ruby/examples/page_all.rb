# Pages every order of the account, 100 a request, with auto-paging; prints one JSON line
# {"count": N, "seconds": S}. Reads STATESET_API_KEY and STATESET_BASE_URL.
require "json"
require "stateset"

client = Stateset::Client.new(
  api_key: ENV.fetch("STATESET_API_KEY"),
  base_url: ENV.fetch("STATESET_BASE_URL", "http://127.0.0.1:8000")
)
started = Process.clock_gettime(Process::CLOCK_MONOTONIC)
count = 0
client.orders.list(limit: 100).auto_paging_each { count += 1 }
seconds = Process.clock_gettime(Process::CLOCK_MONOTONIC) - started
puts JSON.generate(count: count, seconds: seconds.round(3))
