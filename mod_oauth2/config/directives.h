/* Directive names, in one place for the command table, messages and the
 * reference documentation check. */
#ifndef OAUTH2_CONFIG_DIRECTIVES_H
#define OAUTH2_CONFIG_DIRECTIVES_H

#define OAUTH2_D_ISSUER "OAuth2Issuer"
#define OAUTH2_D_ACCESS_TOKEN_LIFETIME "OAuth2AccessTokenLifetime"
#define OAUTH2_D_REFRESH_TOKEN_LIFETIME "OAuth2RefreshTokenLifetime"
#define OAUTH2_D_REFRESH_TOKEN_MAX_LIFETIME "OAuth2RefreshTokenMaxLifetime"
#define OAUTH2_D_CODE_LIFETIME "OAuth2CodeLifetime"
#define OAUTH2_D_ACCESS_TOKEN_FORMAT "OAuth2AccessTokenFormat"
#define OAUTH2_D_SIGNING_KEY "OAuth2SigningKey"
#define OAUTH2_D_GRANT_TYPES "OAuth2GrantTypes"
#define OAUTH2_D_PKCE "OAuth2PKCE"
#define OAUTH2_D_PKCE_METHODS "OAuth2PKCEMethods"
#define OAUTH2_D_PASSWORD_PROVIDER "OAuth2PasswordProvider"
#define OAUTH2_D_TOKEN_CACHE "OAuth2TokenCache"
#define OAUTH2_D_TOKEN_CACHE_TTL "OAuth2TokenCacheTTL"
#define OAUTH2_D_CONSENT_TEMPLATE "OAuth2ConsentTemplate"
#define OAUTH2_D_CONSENT_KEY_FILE "OAuth2ConsentKeyFile"
#define OAUTH2_D_CONSENT_REMEMBER "OAuth2ConsentRemember"
#define OAUTH2_D_SCOPES_SUPPORTED "OAuth2ScopesSupported"
#define OAUTH2_D_AUTHORIZATION_ENDPOINT "OAuth2AuthorizationEndpoint"
#define OAUTH2_D_TOKEN_ENDPOINT "OAuth2TokenEndpoint"
#define OAUTH2_D_REVOCATION_ENDPOINT "OAuth2RevocationEndpoint"
#define OAUTH2_D_INTROSPECTION_ENDPOINT "OAuth2IntrospectionEndpoint"
#define OAUTH2_D_JWKS_URI "OAuth2JWKSURI"
#define OAUTH2_D_JWT_AUDIENCE "OAuth2JWTAudience"
#define OAUTH2_D_JWT_REVOCATION_CHECK "OAuth2JWTRevocationCheck"
#define OAUTH2_D_BEARER_TOKEN_IN "OAuth2BearerTokenIn"
#define OAUTH2_D_REALM "OAuth2Realm"
#define OAUTH2_D_FORWARD_AUTHORIZATION "OAuth2ForwardAuthorization"

#endif
