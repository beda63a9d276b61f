-- mod_oauth2 schema, version 2: what a client may do now decides what
-- its tokens may still do (issue 12). Adding nullable columns and one
-- with a constant default rewrites no table, so the upgrade is instant
-- however many tokens are stored.

-- RFC 7662 §4: only clients registered for it introspect other clients'
-- tokens (oauth2-admin client add/set --introspect).
ALTER TABLE oauth2_client
    ADD COLUMN introspect boolean NOT NULL DEFAULT false;

-- What every token of a family inherits from the grant that started it,
-- so that a refresh can be judged against the client's registration as it
-- is now (the grant type must still be allowed) and against the family's
-- maximum lifetime (OAuth2RefreshTokenMaxLifetime). NULL in rows stored
-- before version 2: a refresh then takes the refresh token's own
-- grant_type (unless it is refresh_token: unknown, not checked) and its
-- created_at.
ALTER TABLE oauth2_token
    ADD COLUMN family_grant_type text,
    ADD COLUMN family_created_at timestamptz;
