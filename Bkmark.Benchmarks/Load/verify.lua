-- wrk script for ./bench.sh: sends each request with the next credential of BENCH_CREDENTIALS
-- (comma-separated; none for the floor) and prints one machine-readable line at the end.
-- BENCH_ADDRESSES (comma-separated host:port, optional) spreads the load over several instances:
-- each wrk thread sends all its connections to one of them, taken in turn, as a load balancer
-- that assigns connections round-robin would.
-- wrk counts non-2xx/3xx responses in summary.errors.status; socket errors in connect/read/write/timeout.
local credentials = {}
for credential in string.gmatch(os.getenv("BENCH_CREDENTIALS") or "", "[^,]+") do
  table.insert(credentials, credential)
end

local addresses = {}
for address in string.gmatch(os.getenv("BENCH_ADDRESSES") or "", "[^,]+") do
  table.insert(addresses, address)
end

local threads = 0

setup = function(thread)
  if #addresses > 0 then
    local host, port = string.match(addresses[(threads % #addresses) + 1], "^(.+):(%d+)$")
    thread.addr = wrk.lookup(host, port)[1]
    threads = threads + 1
  end
end

local sent = 0

request = function()
  local headers = {}
  if #credentials > 0 then
    sent = sent + 1
    headers["Authorization"] = "Bearer " .. credentials[(sent % #credentials) + 1]
  end
  return wrk.format("GET", nil, headers)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH_RESULT requests=%d seconds=%.3f rps=%.1f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.status, e.connect + e.read + e.write + e.timeout))
end
