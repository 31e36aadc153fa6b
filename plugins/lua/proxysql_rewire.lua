-- ProxySQL rewire after a failover, in Lua (a copyable example; the daemon also has a
-- built-in ProxySQL plugin configured with the ProxySQL key).
--
-- For every endpoint of the ProxySQL config key it issues the desired-state sequence of
-- docs/plugins.md ("ProxySQL rewire in Lua"): the writer hostgroup becomes exactly the new
-- primary, the old primary is fenced OFFLINE_HARD, the new primary serves reads too, the
-- change is loaded to runtime, verified, and saved to disk. One statement per call (the admin
-- interface runs only the first statement of a query). Every statement is idempotent, so the
-- sequence can be re-run from the top. Endpoints are handled independently: one failing does
-- not stop the others; the failures are reported in the recovery's steps.
--
-- Enable: "LuaScripts": ["/etc/orchestrator/plugins/proxysql_rewire.lua"] and a "ProxySQL"
-- list with Address, Port, User, Password, WriterHostgroup, ReaderHostgroup.

local NEW_PRIMARY_ALSO_READER = true   -- match pgsql-monitor_writer_is_also_reader
local COLUMNS = "(hostgroup_id,hostname,port,status,weight,compression,max_connections,max_replication_lag,use_ssl,max_latency_ms,comment)"

-- Literals must suit ProxySQL's SQLite: only plain host names and integers are accepted.
local function host_literal(host)
  if type(host) ~= "string" or not host:match("^[%w%._:%-]+$") then
    error("refusing to put host name " .. tostring(host) .. " into ProxySQL SQL")
  end
  return "'" .. host .. "'"
end

local function int(n)
  local i = math.tointeger(n)
  if i == nil then error("not an integer: " .. tostring(n)) end
  return string.format("%d", i)
end

local function server_row(hostgroup, host, port, status, comment)
  return "INSERT OR REPLACE INTO pgsql_servers " .. COLUMNS .. " VALUES (" .. int(hostgroup) .. "," .. host_literal(host) .. ","
    .. int(port) .. ",'" .. status .. "',1,0,1000,0,0,0,'" .. comment .. "')"
end

-- The statements for one endpoint, in order (exposed for tests and dry runs).
function rewire_statements(endpoint, old, new, epoch)
  local W, R = endpoint.writer_hostgroup, endpoint.reader_hostgroup
  local tag = "orchestrator:" .. epoch:gsub("[^%w%-]", "")
  local new_match = "hostname=" .. host_literal(new.host) .. " AND port=" .. int(new.port)
  local old_match = "hostname=" .. host_literal(old.host) .. " AND port=" .. int(old.port)
  local s = {
    "SELECT hostgroup_id, hostname, port, status, weight, comment FROM runtime_pgsql_servers ORDER BY hostgroup_id, hostname, port",
    "DELETE FROM pgsql_servers WHERE hostgroup_id=" .. int(W) .. " AND NOT (" .. new_match .. ")",
    server_row(W, new.host, new.port, "ONLINE", tag .. ":writer"),
  }
  if R ~= nil then
    s[#s + 1] = server_row(R, old.host, old.port, "OFFLINE_HARD", tag .. ":fenced")
  end
  s[#s + 1] = "UPDATE pgsql_servers SET status='OFFLINE_HARD', comment='" .. tag .. ":fenced' WHERE " .. old_match
  if R ~= nil then
    if NEW_PRIMARY_ALSO_READER then
      s[#s + 1] = server_row(R, new.host, new.port, "ONLINE", tag .. ":reader")
    else
      s[#s + 1] = "DELETE FROM pgsql_servers WHERE hostgroup_id=" .. int(R) .. " AND " .. new_match
    end
  end
  s[#s + 1] = "LOAD PGSQL SERVERS TO RUNTIME"
  return s
end

local function rewire(endpoint, old, new, epoch)
  for _, statement in ipairs(rewire_statements(endpoint, old, new, epoch)) do
    orc.proxysql(endpoint, statement)
  end
  -- Verify what routing uses: exactly the new primary, ONLINE, in the writer hostgroup, and
  -- no runtime row for the old primary (OFFLINE_HARD rows are not listed at runtime).
  local writers = orc.proxysql(endpoint, "SELECT hostname, port, status FROM runtime_pgsql_servers WHERE hostgroup_id="
    .. int(endpoint.writer_hostgroup)).rows
  if #writers ~= 1 or writers[1].hostname ~= new.host or tonumber(writers[1].port) ~= new.port or writers[1].status ~= "ONLINE" then
    error("writer hostgroup " .. endpoint.writer_hostgroup .. " is not exactly " .. new.host .. ":" .. new.port .. " after LOAD")
  end
  local stale = orc.proxysql(endpoint, "SELECT hostgroup_id, status FROM runtime_pgsql_servers WHERE hostname="
    .. host_literal(old.host) .. " AND port=" .. int(old.port)).rows
  if #stale ~= 0 then
    error("old primary " .. old.host .. ":" .. old.port .. " still routed at runtime")
  end
  orc.proxysql(endpoint, "SAVE PGSQL SERVERS TO DISK")
end

orc.on("post_failover", function(event)
  if event.successor == nil then return nil end
  local failures = {}
  for _, endpoint in ipairs(orc.proxysql_endpoints()) do
    local ok, err = pcall(rewire, endpoint, event.failed, event.successor, event.recoveryUID)
    if ok then
      orc.log.info("ProxySQL " .. endpoint.host .. ":" .. endpoint.port .. " now routes writes to "
        .. event.successor.host .. ":" .. event.successor.port)
    else
      failures[#failures + 1] = endpoint.host .. ":" .. endpoint.port .. ": " .. tostring(err)
    end
  end
  if #failures > 0 then
    error("ProxySQL rewire failed on " .. table.concat(failures, "; "))
  end
  return nil
end)
