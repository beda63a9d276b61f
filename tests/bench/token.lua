-- wrk script for D: POST grant_type=client_credentials to the token
-- endpoint with client_secret_basic. Argument (after --): the value of
-- the Authorization header ("Basic ...").
function init(args)
   wrk.method = "POST"
   wrk.headers["Authorization"] = args[1]
   wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
   wrk.body = "grant_type=client_credentials&scope=read"
end
