-- wrk script: each request takes the next path of a list (one per line, the file named by the
-- first argument after `--`), so the load mixes every kind of page. Each thread starts at a
-- different place in the list. BENCH_PAUSE_MS, when set, is a pause before each request for a
-- modest steady rate (the soak); without it no delay hook exists, which would cost a timer per
-- request. At the end it prints one RESULT line that bench/load and bench/soak read.

local paths = {}
local counter = 0
local pause = tonumber(os.getenv("BENCH_PAUSE_MS") or "0") or 0
local thread_count = 0

function setup(thread)
  thread:set("thread_id", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  local file = args[1]
  if file == nil then
    error("usage: wrk -s bench/mixed.lua URL -- PATHS_FILE")
  end
  for line in io.lines(file) do
    if line ~= "" then
      paths[#paths + 1] = line
    end
  end
  if #paths == 0 then
    error("no paths in " .. file)
  end
  -- Spread the threads over the list so that they do not request the same page in step.
  counter = ((thread_id or 0) * 37) % #paths
end

function request()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter])
end

if pause > 0 then
  function delay()
    return pause
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d seconds=%.1f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f connect=%d read=%d write=%d timeout=%d status=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.connect, e.read, e.write, e.timeout, e.status))
end
