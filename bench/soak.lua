-- The memory soak's traffic: mostly real pages, with some made-up query strings and missing pages
-- mixed in, so a cache that grew with hostile input would show it.
local paths = {}
for p in string.gmatch(os.getenv("BENCH_PATHS") or "/", "%S+") do
  paths[#paths + 1] = p
end
local n = 0

request = function()
  n = n + 1
  local path = paths[(n % #paths) + 1]
  local roll = n % 20
  if roll == 0 then
    path = path .. "?q=" .. n
  elseif roll == 1 then
    path = "/healing-trauma-in-relationship/no-such-part-" .. n
  end
  return wrk.format(nil, path)
end
