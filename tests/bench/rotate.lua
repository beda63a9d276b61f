-- wrk script for B4 and A(lua): a different bearer token on every
-- request. Arguments (after --): TOKENS_FILE NTHREADS. The tokens (one a
-- line) are dealt out to the wrk threads, so that across all threads each
-- token is sent once per cycle; the requests are built in init() so that
-- the client spends the same per request on any path.
local counter = 0

function setup(thread)
   thread:set("id", counter)
   counter = counter + 1
end

function init(args)
   local nthreads = tonumber(args[2])
   local i = 0
   reqs = {}
   for line in io.lines(args[1]) do
      if line ~= "" then
         if i % nthreads == id then
            reqs[#reqs + 1] = wrk.format(nil, nil,
                                         {Authorization = "Bearer " .. line})
         end
         i = i + 1
      end
   end
   if #reqs == 0 then
      error("rotate.lua: no tokens for thread " .. id)
   end
   n, k = #reqs, 0
end

function request()
   k = k % n + 1
   return reqs[k]
end
