-- mod_oauth2 schema, version 1.
-- Tokens, codes and client secrets are stored only as SHA-256 hex digests.

CREATE TABLE oauth2_client (
    client_id     text PRIMARY KEY,
    name          text NOT NULL,
    secret_hash   text,                      -- NULL: public client
    redirect_uris text[] NOT NULL DEFAULT '{}',
    grant_types   text[] NOT NULL,
    scopes        text[] NOT NULL DEFAULT '{}',
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    disabled_at   timestamptz
);

CREATE TABLE oauth2_code (
    code_hash      text PRIMARY KEY,
    client_id      text NOT NULL
                   REFERENCES oauth2_client ON DELETE CASCADE,
    user_id        text NOT NULL,
    redirect_uri   text,                     -- as sent in the request
    scope          text NOT NULL,
    code_challenge text,
    code_challenge_method text
                   CHECK (code_challenge_method IN ('S256', 'plain')),
    family_id      uuid NOT NULL DEFAULT gen_random_uuid(),
    auth_time      timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    used_at        timestamptz
);
CREATE INDEX oauth2_code_expires_at ON oauth2_code (expires_at);

-- Access and refresh tokens. family_id ties every token descended from
-- one grant together, so that a replayed code or a reused refresh token
-- revokes them all (RFC 6749 §4.1.2, RFC 9700 §4.14).
CREATE TABLE oauth2_token (
    token_hash   text PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('access', 'refresh')),
    client_id    text NOT NULL
                 REFERENCES oauth2_client ON DELETE CASCADE,
    user_id      text,                       -- NULL: client's own token
    scope        text NOT NULL,
    grant_type   text NOT NULL,
    family_id    uuid NOT NULL,
    parent_hash  text,                       -- the refresh token it came from
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz,                -- refresh token rotated
    revoked_at   timestamptz
);
CREATE INDEX oauth2_token_family_id ON oauth2_token (family_id);
CREATE INDEX oauth2_token_expires_at ON oauth2_token (expires_at);
CREATE INDEX oauth2_token_client_id ON oauth2_token (client_id);

-- Remembered consent (OAuth2ConsentRemember): scopes an owner approved.
CREATE TABLE oauth2_consent (
    user_id    text NOT NULL,
    client_id  text NOT NULL REFERENCES oauth2_client ON DELETE CASCADE,
    scopes     text[] NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, client_id)
);
CREATE INDEX oauth2_consent_client_id ON oauth2_consent (client_id);
