-- Makes wrk end with one line that `cargo xtask bench` reads: requests,
-- duration and latencies in microseconds, then the errors by kind.
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("bench: %d %d %d %d %d %d %d %d %d\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99),
    errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
