/// Lua code run in every plugin's state before the script: `orc.on` and the dispatcher the
/// host calls. Handlers live in a local table, out of the script's reach except via `orc.on`.
enum LuaPrelude {
    static let source = #"""
    local names = orc._point_names
    orc._point_names = nil
    local handlers = {}

    function orc.on(point, fn, options)
      local canonical = names[point]
      if canonical == nil then
        error("orc.on: unknown point " .. tostring(point) .. "; use one such as \"pre_failover\" or \"post_failover\"", 2)
      end
      if type(fn) ~= "function" then
        error("orc.on: the handler for " .. canonical .. " must be a function", 2)
      end
      if options ~= nil and type(options) ~= "table" then
        error("orc.on: options must be a table such as {critical = true}", 2)
      end
      local list = handlers[canonical] or {}
      handlers[canonical] = list
      list[#list + 1] = { fn = fn, critical = options ~= nil and options.critical == true }
    end

    -- Points with handlers, and whether any handler there is critical.
    function orc._registered()
      local out = {}
      for point, list in pairs(handlers) do
        local critical = false
        for _, h in ipairs(list) do critical = critical or h.critical end
        out[#out + 1] = { point = point, critical = critical }
      end
      return out
    end

    -- A drop-in file serves the point its directory names: `handle(event)` may stand for
    -- orc.on(point, handle); handlers for other points are dropped (the host warns).
    function orc._adopt(point)
      local dropped = {}
      for name in pairs(handlers) do
        if name ~= point then handlers[name] = nil; dropped[#dropped + 1] = name end
      end
      if handlers[point] == nil and type(handle) == "function" then orc.on(point, handle) end
      return dropped
    end

    -- Handlers of one point run in registration order; the first non-nil answer decides.
    function orc._dispatch(point, event)
      for _, h in ipairs(handlers[point] or {}) do
        local answer = h.fn(event)
        if answer ~= nil then return answer end
      end
      return nil
    end

    function print(...)
      local parts = {}
      for i = 1, select("#", ...) do parts[#parts + 1] = tostring((select(i, ...))) end
      orc.log.info(table.concat(parts, "\t"))
    end
    """#
}
