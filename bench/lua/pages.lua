-- GET random lines of a "path<TAB>cookie" file (an empty cookie = anonymous).
-- wrk -s pages.lua URL -- FILE SEED
local dir = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
dofile(dir .. "common.lua")

local lines = {}
issued = 0

function init(args)
  for line in io.lines(args[1]) do
    local path, cookie = line:match("^([^\t]+)\t?(.*)$")
    lines[#lines + 1] = { path, cookie }
  end
  math.randomseed(tonumber(args[2] or "1"))
end

function request()
  issued = issued + 1
  local item = lines[math.random(#lines)]
  local headers = { ["Accept"] = "text/html", ["Accept-Language"] = "uk,en;q=0.8" }
  if item[2] ~= "" then
    headers["Cookie"] = item[2]
  end
  return wrk.format("GET", item[1], headers)
end
