-- wrk script for F: authorization-code round trips. Each connection asks
-- GET /oauth2/authorize (Basic auth of the owner, consent remembered, so
-- the answer is a 302 with a code), then redeems a code with POST
-- /oauth2/token. Arguments (after --): AUTHORIZE_PATH_AND_QUERY
-- OWNER_AUTH_HEADER CLIENT_AUTH_HEADER REDIRECT_URI_ENCODED TOKEN_PATH.
-- done() prints "ROUNDTRIPS n BAD m DURATION_US d" for tests/bench/run.
local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   token_path, client_auth, redirect_enc = args[5], args[3], args[4]
   authorize_req = wrk.format("GET", args[1], {Authorization = args[2]})
   codes, head, tail = {}, 1, 0
   roundtrips, bad = 0, 0
end

function request()
   if tail >= head then
      local code = codes[head]
      codes[head] = nil
      head = head + 1
      return wrk.format("POST", token_path,
                        {Authorization = client_auth,
                         ["Content-Type"] = "application/x-www-form-urlencoded"},
                        "grant_type=authorization_code&code=" .. code ..
                        "&redirect_uri=" .. redirect_enc)
   end
   return authorize_req
end

function response(status, headers, body)
   if status == 302 then
      local code = (headers["Location"] or ""):match("[?&]code=([^&#]+)")
      if code then
         tail = tail + 1
         codes[tail] = code
         return
      end
   elseif status == 200 and body:find('"access_token"', 1, true) then
      roundtrips = roundtrips + 1
      return
   end
   bad = bad + 1
end

function done(summary, latency, requests)
   local n, b = 0, 0
   for _, t in ipairs(threads) do
      n = n + t:get("roundtrips")
      b = b + t:get("bad")
   end
   io.write(string.format("ROUNDTRIPS %d BAD %d DURATION_US %d\n", n, b,
                          summary.duration))
end
