-- Forged reader cookies: each request carries a new well-formed but unknown relational-reader
-- cookie (32 random bytes in base64url, as the site makes them) and opens a part.
local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
-- The 43rd character holds 4 bits and 2 zero bits: only every fourth letter can end a key.
local last = "AEIMQUYcgkosw048"
local paths = {}
for p in string.gmatch(os.getenv("BENCH_PATHS") or "/", "%S+") do
  paths[#paths + 1] = p
end

function init()
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end

local n = 0
function request()
  n = n + 1
  local key = {}
  for i = 1, 42 do
    local k = math.random(1, 64)
    key[i] = alphabet:sub(k, k)
  end
  local k = math.random(1, 16)
  key[43] = last:sub(k, k)
  return wrk.format("GET", paths[(n % #paths) + 1], { ["Cookie"] = "relational-reader=" .. table.concat(key), ["Accept-Encoding"] = "gzip" })
end
