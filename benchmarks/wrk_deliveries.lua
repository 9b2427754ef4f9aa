-- Signed webhook deliveries, each with its own X-GitHub-Delivery id (the body and its
-- signature are the same for all: the inbox deduplicates by id, not by body).
local threads = {}
local next_thread = 0

function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
  table.insert(threads, thread)
end

function init(args)
  local f = assert(io.open(os.getenv("WRK_BODY"), "rb"))
  body = f:read("*a")
  f:close()
  sig = os.getenv("WRK_SIG")
  event = os.getenv("WRK_EVENT") or "issue_comment"
  prefix = os.getenv("WRK_PREFIX") or "wrk"
  n = 0
  statuses = {}
end

function request()
  n = n + 1
  return wrk.format("POST", "/webhook", {
    ["Content-Type"] = "application/json",
    ["X-GitHub-Event"] = event,
    ["X-GitHub-Delivery"] = prefix .. "-" .. tid .. "-" .. n,
    ["X-Hub-Signature-256"] = sig,
  }, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for k, v in pairs(s) do counts[k] = (counts[k] or 0) + v end
  end
  for k, v in pairs(counts) do io.write(string.format("status %d %d\n", k, v)) end
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("latency p%g %.2f ms\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("latency max %.2f ms\n", latency.max / 1000))
  io.write(string.format("requests %d in %.2f s: %.0f/s\n", summary.requests,
    summary.duration / 1e6, summary.requests / (summary.duration / 1e6)))
end
