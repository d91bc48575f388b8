-- wrk script for the realistic mix: each request takes the next "host<TAB>path" line of the
-- file named by MIX_URLS (a sample of the URL distribution, shuffled with a fixed seed), and each
-- answer is counted as a cache hit when it carries "X-Cache: HIT" or "X-Answer-Cache: HIT".

local lines = {}
for line in io.lines(os.getenv("MIX_URLS")) do
  local host, path = line:match("^([^\t]+)\t(.+)$")
  lines[#lines + 1] = {host, path}
end

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  threads[#threads + 1] = thread
end

function init(args)
  position = (id * 7919) % #lines
  hits, answers, wrong = 0, 0, 0
end

function request()
  position = position % #lines + 1
  local target = lines[position]
  return wrk.format("GET", target[2], {Host = target[1]})
end

function response(status, headers, body)
  answers = answers + 1
  if status ~= 200 then
    wrong = wrong + 1
  end
  if headers["X-Cache"] == "HIT" or headers["X-Answer-Cache"] == "HIT" then
    hits = hits + 1
  end
end

function done(summary, latency, requests)
  local hit, total, bad = 0, 0, 0
  for _, thread in ipairs(threads) do
    hit = hit + thread:get("hits")
    total = total + thread:get("answers")
    bad = bad + thread:get("wrong")
  end
  io.write(string.format("mix answers: %d hits: %d non-200: %d\n", total, hit, bad))
  for _, p in ipairs({50, 90, 99}) do
    io.write(string.format("mix latency p%d: %.3f ms\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("mix requests/sec: %.2f\n", summary.requests / (summary.duration / 1e6)))
end
