-- wrk script: every request opens a part as one of the opted-in readers whose cookies are in
-- $PROGRESS_COOKIES (one per line), rotating readers and parts. With no file, anonymous reads.
local parts = {
  "before-we-begin", "trauma-was-formed-in-relationship", "why-self-work-alone-often-isnt-enough",
  "healing-requires-a-different-relational-experience", "why-therapy-can-feel-so-vulnerable",
  "safety-is-built-not-assumed", "what-changes-when-healing-happens-in-relationship",
  "you-were-never-meant-to-do-this-alone", "relationship-as-medicine", "a-gentle-invitation",
}
local cookies = {}
local path = os.getenv("PROGRESS_COOKIES")
if path and path ~= "" then
  for line in io.lines(path) do cookies[#cookies + 1] = line end
end
local n = 0

request = function()
  n = n + 1
  local headers = {}
  if #cookies > 0 then headers["Cookie"] = "relational-reader=" .. cookies[(n % #cookies) + 1] end
  local turn = #cookies > 0 and math.floor(n / #cookies) or n
  return wrk.format("GET", "/healing-trauma-in-relationship/" .. parts[(turn % #parts) + 1], headers)
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT %d requests, %d errors, %.0f/s, p99 %.1f ms\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.requests / (summary.duration / 1e6), latency:percentile(99) / 1000))
end
