-- tests/bench/run, scale scenarios: rows :first..:last of a generated
-- oauth2_token table of :n rows, of which rows 1..:expired have expired.
-- psql variables: seed (16 base64url characters), first, last, n, expired.
--
-- The rows look like the module's own (store/token_store.c):
--   token_hash  the SHA-256 hex digest of a 43-character base64url token,
--               as the module stores it; the token of row i is
--               seed || i (27 digits), so that tests/bench/run can present
--               chosen tokens without keeping ten million of them
--   families    of three rows: an authorization_code access token, its
--               refresh token (half of them rotated: used_at), and the
--               access token issued by the rotation (grant refresh_token,
--               parent_hash = the refresh token's hash); every fifth family
--               is a client_credentials one (three access tokens, no user);
--               every fiftieth family is revoked
--   clients     scale-0 .. scale-15, users user0 .. user99999,
--               scope "read" or "read write"
--   time        rows in creation order, as a table fills: rows 1..:expired
--               expired over the last 60 days (the older half of the heap),
--               the rest expire from two hours from now on (access tokens
--               within 3 hours, refresh tokens within 30 days), so that
--               nothing live expires during a run
INSERT INTO oauth2_token (token_hash, kind, client_id, user_id, scope,
                          grant_type, family_id, parent_hash, created_at,
                          expires_at, used_at, revoked_at)
SELECT encode(sha256((:'seed' || lpad(i::text, 27, '0'))::bytea), 'hex'),
       kind,
       'scale-' || (f % 16),
       CASE WHEN cc THEN NULL ELSE 'user' || (f % 100000) END,
       CASE WHEN f % 3 = 0 THEN 'read write' ELSE 'read' END,
       CASE WHEN cc THEN 'client_credentials'
            WHEN p = 2 THEN 'refresh_token'
            ELSE 'authorization_code' END,
       -- random-looking (spread over the index like gen_random_uuid()),
       -- cheaper than a digest
       (lpad(to_hex(hashint8extended(f, 0)), 16, '0')
        || lpad(to_hex(f), 16, '0'))::uuid,
       CASE WHEN p = 2 AND NOT cc THEN
            encode(sha256((:'seed' || lpad((i - 1)::text, 27, '0'))::bytea),
                   'hex') END,
       expires - life,
       expires,
       CASE WHEN kind = 'refresh' AND f % 2 = 0 THEN
            expires - life + interval '50 minutes' END,
       CASE WHEN f % 50 = 0 THEN expires - life + interval '10 minutes' END
FROM (SELECT i, f, p, cc, kind, life,
             CASE WHEN i <= :expired
                  THEN now() - interval '1 minute'
                       - (:expired - i) * (interval '60 days' / :expired)
                  ELSE now() + interval '2 hours'
                       + (i - :expired) * (life / greatest(:n - :expired, 1))
             END AS expires
      FROM (SELECT i, f, p, cc, kind,
                   CASE kind WHEN 'access' THEN interval '1 hour'
                        ELSE interval '30 days' END AS life
            FROM (SELECT i, f, p, cc,
                         CASE WHEN NOT cc AND p = 1 THEN 'refresh'
                              ELSE 'access' END AS kind
                  FROM (SELECT i, (i - 1) / 3 AS f, (i - 1) % 3 AS p,
                               ((i - 1) / 3) % 5 = 0 AS cc
                        FROM generate_series(:first::bigint, :last::bigint)
                             AS i) a) b) c) d;
