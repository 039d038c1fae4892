-- Opted-in readers: run with -t32 -c32, so each wrk thread has one connection and one reader's
-- cookie. Each reader reads the part pages round and round.
local cookies = {}
for c in string.gmatch(os.getenv("BENCH_COOKIES") or "", "%S+") do
  cookies[#cookies + 1] = c
end
local paths = {}
for p in string.gmatch(os.getenv("BENCH_PATHS") or "/", "%S+") do
  paths[#paths + 1] = p
end

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("cookie", cookies[((threads - 1) % #cookies) + 1])
  thread:set("offset", threads)
end

local n = 0
function request()
  n = n + 1
  local path = paths[((n + offset) % #paths) + 1]
  return wrk.format("GET", path, { ["Cookie"] = "relational-reader=" .. cookie, ["Accept-Encoding"] = "gzip" })
end
