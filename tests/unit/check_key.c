/* core/key.c: loading JWT signing keys. The keys are generated afresh
 * with OpenSSL into a temporary directory, once for the test case. */
#include "core_suites.h"

#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <apr_strings.h>
#include <apr_time.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "mod_oauth2/core/key.h"

#define PASSPHRASE "correct horse battery staple"

enum { RSA2048, RSA1024, RSAPSS2048, EC256, EC384, ED25519, KEY_COUNT };
enum { PKCS8, TRADITIONAL, PKCS8_ENCRYPTED, TRADITIONAL_ENCRYPTED, PUBLIC };

/* How each key is made: EVP_PKEY_Q_keygen's type and its argument. */
static const struct {
    const char *type;
    size_t bits;       /* RSA */
    const char *curve; /* EC */
} key_specs[KEY_COUNT] = {
    [RSA2048] = {"RSA", 2048, NULL},        [RSA1024] = {"RSA", 1024, NULL},
    [RSAPSS2048] = {"RSA-PSS", 2048, NULL}, [EC256] = {"EC", 0, "P-256"},
    [EC384] = {"EC", 0, "P-384"},           [ED25519] = {"ED25519", 0, NULL},
};

static const struct {
    const char *file;
    int key;
    int format;
} key_files[] = {
    {"rsa2048.pem", RSA2048, PKCS8},
    {"rsa2048-pkcs1.pem", RSA2048, TRADITIONAL},
    {"rsa2048-encrypted.pem", RSA2048, PKCS8_ENCRYPTED},
    {"rsa2048-encrypted-pkcs1.pem", RSA2048, TRADITIONAL_ENCRYPTED},
    {"rsa2048-public.pem", RSA2048, PUBLIC},
    {"rsa1024.pem", RSA1024, PKCS8},
    {"rsapss2048.pem", RSAPSS2048, PKCS8},
    {"ec256.pem", EC256, PKCS8},
    {"ec256-sec1.pem", EC256, TRADITIONAL},
    {"ec256-encrypted.pem", EC256, PKCS8_ENCRYPTED},
    {"ec256-encrypted-sec1.pem", EC256, TRADITIONAL_ENCRYPTED},
    {"ec256-public.pem", EC256, PUBLIC},
    {"ec384.pem", EC384, PKCS8},
    {"ed25519.pem", ED25519, PKCS8},
};

/* Made by the unchecked fixture in the runner's process; test processes
 * inherit them. */
static char key_dir[64];
static EVP_PKEY *keys[KEY_COUNT];

static EVP_PKEY *generate(int which)
{
    EVP_PKEY_CTX *ctx;
    EVP_PKEY *key = NULL;

    if (key_specs[which].curve) {
        return EVP_PKEY_Q_keygen(NULL, NULL, key_specs[which].type,
                                 key_specs[which].curve);
    }
    if (!key_specs[which].bits) {
        return EVP_PKEY_Q_keygen(NULL, NULL, key_specs[which].type);
    }
    /* EVP_PKEY_Q_keygen takes a size only for "RSA", not "RSA-PSS". */
    ctx = EVP_PKEY_CTX_new_from_name(NULL, key_specs[which].type, NULL);
    if (ctx && EVP_PKEY_keygen_init(ctx) == 1 &&
        EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, (int)key_specs[which].bits) ==
            1) {
        EVP_PKEY_generate(ctx, &key);
    }
    EVP_PKEY_CTX_free(ctx);
    return key;
}

static int write_key(BIO *out, EVP_PKEY *key, int format)
{
    const EVP_CIPHER *aes = EVP_aes_256_cbc();
    unsigned char *pass = (unsigned char *)PASSPHRASE;
    int len = (int)strlen(PASSPHRASE);

    switch (format) {
    case PKCS8:
        return PEM_write_bio_PrivateKey(out, key, NULL, NULL, 0, NULL, NULL);
    case TRADITIONAL:
        return PEM_write_bio_PrivateKey_traditional(out, key, NULL, NULL, 0,
                                                    NULL, NULL);
    case PKCS8_ENCRYPTED:
        return PEM_write_bio_PrivateKey(out, key, aes, pass, len, NULL, NULL);
    case TRADITIONAL_ENCRYPTED:
        return PEM_write_bio_PrivateKey_traditional(out, key, aes, pass, len,
                                                    NULL, NULL);
    default:
        return PEM_write_bio_PUBKEY(out, key);
    }
}

static char *key_path(const char *file)
{
    static char path[128];

    snprintf(path, sizeof(path), "%s/%s", key_dir, file);
    return path;
}

static void write_text(const char *file, const char *text)
{
    FILE *f = fopen(key_path(file), "w");

    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fputs(text, f) >= 0, 1);
    ck_assert_int_eq(fclose(f), 0);
}

static void keys_setup(void)
{
    int i;
    BIO *out;

    strcpy(key_dir, "/tmp/oauth2-check-key-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(key_dir));
    for (i = 0; i < KEY_COUNT; i++) {
        keys[i] = generate(i);
        ck_assert_msg(keys[i] != NULL, "cannot generate a %s key",
                      key_specs[i].type);
    }
    for (i = 0; i < TABLE_SIZE(key_files); i++) {
        out = BIO_new_file(key_path(key_files[i].file), "w");
        ck_assert_ptr_nonnull(out);
        ck_assert_msg(
            write_key(out, keys[key_files[i].key], key_files[i].format) == 1,
            "cannot write %s", key_files[i].file);
        ck_assert_int_eq(BIO_free(out), 1);
    }
    write_text("garbage.pem", "-----BEGIN PRIVATE KEY-----\n"
                              "this is not base64!\n"
                              "-----END PRIVATE KEY-----\n");
    write_text("empty.pem", "");
    write_text("certificate-only.pem", "-----BEGIN CERTIFICATE-----\n"
                                       "MAA=\n"
                                       "-----END CERTIFICATE-----\n");
    ck_assert_int_eq(mkdir(key_path("directory.pem"), 0700), 0);
}

static void keys_teardown(void)
{
    int i;

    for (i = 0; i < TABLE_SIZE(key_files); i++) {
        unlink(key_path(key_files[i].file));
    }
    unlink(key_path("garbage.pem"));
    unlink(key_path("empty.pem"));
    unlink(key_path("certificate-only.pem"));
    rmdir(key_path("directory.pem"));
    rmdir(key_dir);
    for (i = 0; i < KEY_COUNT; i++) {
        EVP_PKEY_free(keys[i]);
        keys[i] = NULL;
    }
}

static const struct {
    const char *file;
    int key;
    const char *algorithm;
    int bits;
} usable[] = {
    {"rsa2048.pem", RSA2048, "RS256", 2048},
    {"rsa2048-pkcs1.pem", RSA2048, "RS256", 2048},
    {"ec256.pem", EC256, "ES256", 256},
    {"ec256-sec1.pem", EC256, "ES256", 256},
};

START_TEST(test_key_load_accepts_rsa_2048_and_ec_p256)
{
    EVP_PKEY *key = NULL;
    const char *err =
        oauth2_key_load_private(test_pool, key_path(usable[_i].file), &key);

    ck_assert_msg(err == NULL, "%s: %s", usable[_i].file, err);
    ck_assert_ptr_nonnull(key);
    ck_assert_int_eq(EVP_PKEY_get_bits(key), usable[_i].bits);
    /* The very key that was written, private half included. */
    ck_assert_int_eq(EVP_PKEY_eq(key, keys[usable[_i].key]), 1);
    ck_assert_str_eq(oauth2_key_algorithm(key), usable[_i].algorithm);
}
END_TEST

static const struct {
    const char *file;
    const char *message; /* a part of the expected error */
} unusable[] = {
    {"rsa1024.pem", "RSA key of 1024 bits is too short"},
    {"ec384.pem", "EC curve 'secp384r1' is not supported"},
    {"ed25519.pem", "not an RSA or EC P-256 private key"},
    {"rsapss2048.pem", "not an RSA or EC P-256 private key"},
    {"rsa2048-public.pem", "holds no PEM private key"},
    {"ec256-public.pem", "holds no PEM private key"},
    {"garbage.pem", "holds no PEM private key"},
    {"empty.pem", "holds no PEM private key"},
    {"certificate-only.pem", "holds no PEM private key"},
    {"directory.pem", "holds no PEM private key"},
};

START_TEST(test_key_load_rejects_weak_unsupported_or_public_keys)
{
    EVP_PKEY *key = NULL;
    const char *path = apr_pstrdup(test_pool, key_path(unusable[_i].file));
    const char *err = oauth2_key_load_private(test_pool, path, &key);

    ck_assert_msg(err != NULL, "accepted %s", unusable[_i].file);
    ck_assert_msg(strstr(err, unusable[_i].message) != NULL,
                  "%s: error '%s' lacks '%s'", unusable[_i].file, err,
                  unusable[_i].message);
    /* The operator is told which file. */
    ck_assert_ptr_nonnull(strstr(err, path));
}
END_TEST

START_TEST(test_key_load_reports_a_missing_file_by_name)
{
    EVP_PKEY *key = NULL;
    const char *path = apr_pstrdup(test_pool, key_path("missing.pem"));
    const char *err = oauth2_key_load_private(test_pool, path, &key);

    ck_assert_ptr_nonnull(err);
    ck_assert_ptr_nonnull(strstr(err, "cannot read"));
    ck_assert_ptr_nonnull(strstr(err, path));
}
END_TEST

static const char *const encrypted[] = {
    "rsa2048-encrypted.pem",
    "rsa2048-encrypted-pkcs1.pem",
    "ec256-encrypted.pem",
    "ec256-encrypted-sec1.pem",
};

/* Loads path in a child whose controlling terminal is a new pty, as
 * httpd -X started from a shell would be: OpenSSL's default passphrase
 * callback would write its prompt there and wait for a line. Returns the
 * child's exit status (10: refused, 11: loaded); fails the test if the
 * child prompts or does not finish in time. */
static int load_on_a_terminal(const char *path)
{
    char out[4096];
    size_t used = 0;
    int master, status;
    apr_time_t deadline = apr_time_now() + apr_time_from_sec(8);
    pid_t pid = forkpty(&master, NULL, NULL, NULL);

    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        EVP_PKEY *key = NULL;
        apr_pool_t *pool;

        apr_pool_create(&pool, NULL);
        _exit(oauth2_key_load_private(pool, path, &key) ? 10 : 11);
    }
    out[0] = '\0';
    while (waitpid(pid, &status, WNOHANG) == 0) {
        struct pollfd pfd = {master, POLLIN, 0};
        ssize_t n = 0;

        /* After the child closes the pty, reads fail: just wait. */
        if (poll(&pfd, 1, 50) > 0 && (pfd.revents & POLLIN) &&
            (n = read(master, out + used, sizeof(out) - 1 - used)) > 0) {
            used += (size_t)n;
            out[used] = '\0';
        }
        else {
            usleep(10000);
        }
        if (strstr(out, "pass") || apr_time_now() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            close(master);
            ck_abort_msg("%s: the loader %s", path,
                         used ? "prompted on the terminal"
                              : "did not return in 8 seconds");
        }
    }
    close(master);
    ck_assert_msg(WIFEXITED(status), "%s: child died", path);
    return WEXITSTATUS(status);
}

START_TEST(test_key_load_refuses_encrypted_pem_without_prompting)
{
    EVP_PKEY *key = NULL;
    const char *path = apr_pstrdup(test_pool, key_path(encrypted[_i]));
    const char *err;

    ck_assert_int_eq(load_on_a_terminal(path), 10);
    /* And the reason given explains what to do. */
    err = oauth2_key_load_private(test_pool, path, &key);
    ck_assert_ptr_nonnull(err);
    ck_assert_ptr_nonnull(strstr(err, "store it unencrypted"));
}
END_TEST

START_TEST(test_key_load_on_a_terminal_loads_an_unencrypted_key)
{
    /* The helper above is sound: the same child does load a plain key. */
    ck_assert_int_eq(load_on_a_terminal(key_path("rsa2048.pem")), 11);
}
END_TEST

Suite *oauth2_key_suite(void)
{
    Suite *s = suite_create("key");
    TCase *tc = tcase_create("load");

    /* RSA key generation and sanitizers are slow. */
    tcase_set_timeout(tc, 60);
    tcase_add_unchecked_fixture(tc, keys_setup, keys_teardown);
    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_loop_test(tc, test_key_load_accepts_rsa_2048_and_ec_p256, 0,
                        TABLE_SIZE(usable));
    tcase_add_loop_test(tc,
                        test_key_load_rejects_weak_unsupported_or_public_keys,
                        0, TABLE_SIZE(unusable));
    tcase_add_test(tc, test_key_load_reports_a_missing_file_by_name);
    tcase_add_loop_test(tc,
                        test_key_load_refuses_encrypted_pem_without_prompting,
                        0, TABLE_SIZE(encrypted));
    tcase_add_test(tc, test_key_load_on_a_terminal_loads_an_unencrypted_key);
    suite_add_tcase(s, tc);
    return s;
}
