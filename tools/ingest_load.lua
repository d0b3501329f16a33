-- wrk script for tools/bench_ingest.py --load wrk: POST /api/v1/score with a fresh event id
-- and journey on every request, cycling through the answer sets bench_ingest passes as
-- arguments (after its seed), and one JSON line of figures at the end.
--   wrk -t2 -c8 -d8s -s tools/ingest_load.lua http://127.0.0.1:PORT -- SEED ANSWERS...

local threads = {}

function setup(thread)
  thread:set("index", #threads + 1) -- each thread's own random sequence: ids never repeat
  table.insert(threads, thread)
end

local answers, counter = {}, 0

function init(args)
  math.randomseed(tonumber(args[1]) * 1000 + index)
  for i = 2, #args do answers[#answers + 1] = args[i] end
end

local function hex(groups)
  local t = {}
  for i = 1, groups do t[i] = string.format("%04x", math.random(0, 0xffff)) end
  return table.concat(t)
end

local function uuid4()
  return hex(2) .. "-" .. hex(1) .. "-4" .. hex(1):sub(2) .. "-"
    .. string.format("%x", 8 + math.random(0, 3)) .. hex(1):sub(2) .. "-" .. hex(3)
end

function request()
  counter = counter + 1
  local body = '{"diagnostic":"renewal-risk-check","answers":' .. answers[counter % #answers + 1]
    .. ',"event_id":"' .. uuid4() .. '","journey":"' .. uuid4()
    .. '","channel":{"source":"newsletter","medium":"email"}}'
  return wrk.format("POST", "/api/v1/score", {["Content-Type"] = "application/json"}, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"non_2xx":%d,"socket_errors":%d,"p50_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
