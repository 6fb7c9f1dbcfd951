-- POST "mark complete" for the (item, session, csrf) lines of a file in order,
-- as a browser form would (CSRF token in the body, Origin header).
-- wrk -s writes.lua URL -- FILE ORIGIN
local dir = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
dofile(dir .. "common.lua")

local lines = {}
local origin = ""
issued = 0

function init(args)
  for line in io.lines(args[1]) do
    local item, session, csrf = line:match("^(%d+)\t(%S+)\t(%S+)$")
    lines[#lines + 1] = { item, session, csrf }
  end
  origin = args[2]
end

function request()
  issued = issued + 1
  local p = lines[((issued - 1) % #lines) + 1]
  return wrk.format("POST", "/learning/items/" .. p[1] .. "/complete/", {
    ["Accept"] = "text/html",
    ["Accept-Language"] = "uk,en;q=0.8",
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "sessionid=" .. p[2] .. "; csrftoken=" .. p[3],
    ["Origin"] = origin,
  }, "csrfmiddlewaretoken=" .. p[3])
end
