-- Open311 intake under load with wrk (Debian's wrk 4.1, LuaJIT): the same reports as bench/intake.mjs, for a
-- fraction of its CPU a request (the load generator shares the machine's two cores with the service and PostgreSQL).
-- Every request is a distinct form: a random point in a 7 × 7 km square of 永济市 (140881), one of two categories,
-- and one in five within 10 m of one hot spot, so concurrent near-duplicates really race for their link.
-- At the end it prints one JSON line, as intake.mjs does: the 201s, the linked ones, the other answers, the rate and
-- the latency percentiles; with IDS_FILE, the tracking numbers of the 201s go there, one a line (the bench checks each
-- is stored: wrk abandons the requests still in flight when its time is up, which the service may store unanswered).
--   wrk -t1 -c CLIENTS -d SECONDS --timeout 30s -s bench/intake.lua BASE_URL -- LABEL CLIENTS [IDS_FILE]

local services = { { "curb_ramp", "broken" }, { "tactile_paving", "obstacle" } }
local hot_lon, hot_lat = 110.44, 34.87
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  label, clients, ids_file = args[1] or "", tonumber(args[2]) or 0, args[3]
  math.randomseed(os.time() * 1000 + id)
  created, duplicates, statuses, ids = 0, 0, {}, {}
end

function request()
  local s = services[math.random(#services)]
  local lon, lat
  if math.random() < 0.2 then
    lon = hot_lon + (math.random() - 0.5) * 0.0002
    lat = hot_lat + (math.random() - 0.5) * 0.0002
  else
    lon = 110.40 + math.random() * 0.08
    lat = 34.84 + math.random() * 0.06
  end
  local body = string.format(
    "service_code=%s&attribute%%5Bproblem%%5D=%s&lat=%.7f&long=%.7f&description=bench+intake", s[1], s[2], lat, lon)
  return wrk.format("POST", "/open311/v2/requests.json",
    { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
    ids[created] = string.match(body, '"service_request_id":"(%d+)"')
    -- A stored duplicate names its primary: "duplicate_of":"123" (a primary: "duplicate_of":null).
    if string.find(body, '"duplicate_of":"', 1, true) then
      duplicates = duplicates + 1
    end
  else
    local key = tostring(status)
    statuses[key] = (statuses[key] or 0) + 1
  end
end

function done(summary, latency, requests)
  local c, d, other, label, clients = 0, 0, {}, "", 0
  local file = threads[1] and threads[1]:get("ids_file")
  local out = file and io.open(file, "w")
  for _, thread in ipairs(threads) do
    if out then
      for _, n in ipairs(thread:get("ids") or {}) do out:write(n, "\n") end
    end
    c = c + (thread:get("created") or 0)
    d = d + (thread:get("duplicates") or 0)
    for k, v in pairs(thread:get("statuses") or {}) do
      other[k] = (other[k] or 0) + v
    end
    label = thread:get("label") or label
    clients = thread:get("clients") or clients
  end
  if out then out:close() end
  local e = summary.errors
  for name, count in pairs({ connect = e.connect, read = e.read, write = e.write, timeout = e.timeout }) do
    if count > 0 then other[name] = (other[name] or 0) + count end
  end
  local parts = { string.format('"201":%d', c) }
  for k, v in pairs(other) do
    table.insert(parts, string.format('"%s":%d', k, v))
  end
  local seconds = summary.duration / 1e6
  local function ms(q) return math.floor(latency:percentile(q) / 100 + 0.5) / 10 end
  io.write(string.format(
    '{"label":"%s","clients":%d,"seconds":%.1f,"created":%d,"duplicates":%d,"statuses":{%s},"perSecond":%d,"p50":%s,"p95":%s,"p99":%s}\n',
    label, clients, seconds, c, d, table.concat(parts, ","),
    math.floor(c / seconds + 0.5), ms(50), ms(95), ms(99)))
end
