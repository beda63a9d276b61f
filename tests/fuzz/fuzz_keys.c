#include "fuzz_keys.h"

#include <openssl/bio.h>
#include <openssl/pem.h>

/* Test keys made for these targets (openssl genpkey), public in the
 * repository: they sign nothing else. tests/fuzz/make-seeds signs the
 * seed tokens with the same keys. */
static const char ec_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgfT0WabbahFItymwy\n"
    "rYTt1vaqiiSe33dV5dS93QQ6oz+hRANCAARnkfN/u0WshXt7hGKRP/HUvpRdfXWo\n"
    "gnVk0tmFHipM4/3TE6nQKR9YCuhPowLOutnOz/Kk7TVGunxbpSwebQ2X\n"
    "-----END PRIVATE KEY-----\n";

static const char rsa_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDLNXnyeYql530I\n"
    "sYXh91ZoFmbaKTEBpGRuZLNn4JkCqi97+pb3kb5AR7tbEoLVNeCEQDXZnn/a2Ls7\n"
    "7jEhTwN8/RGCgYjMuBHP6H67kq3j+yims/nQB8mNYYLws1FbCp2lXdMcfY1ZpFBq\n"
    "AWs10Fteiif0rV0DlqkrLWuLbLT++KhQpIk8FjQqpASGR0MZVsEEZAOssTxvuXB6\n"
    "9qIcNN6gnxD2z2tbmxZDPjqwE6IJTl9KNE/dQB54fCT978KVGOO5x7uJe4t7vwST\n"
    "tukBQ2zFEk5LFkVocsyV4RnuO2PQkc85eXj8dMf1p4mDfTfVU6f5AaVzZMHda8To\n"
    "ZKKIXH0DAgMBAAECggEAOZDJHoEC33O/7mYH1NcR8cOi2FuB6AKvdrxtPFiaT/Bx\n"
    "KjB3cuOlHyWS9D4+tPKhyyU7fA4UDyWFiPk1jseI5+/y9WMHo2LjnN+ygyWOwD5G\n"
    "qk7izmVeWgBNLS3HNsC/nviA1RnWIJZVN2p2ehSvxYziu8QezOTxwGsKA8HEVlQO\n"
    "cojGC3U7S4L5aGPkRKcxZBIgi9EXxQzXsSNWPl0fAZ3/KVNVGEwVUZilZTljkROi\n"
    "g5nbfjmw5aicXIC+59PA1ER4GoFqaZIeJPrB2HnCzv0QcZkt457IbgW+xplTQo2Y\n"
    "atBi5HFUa/GyDetqREezcjkY10ZuNfeL8Vrt7TbHtQKBgQDmslCR0Bn4XP+C0gUK\n"
    "cbVUrFGG10RwJ+fOYM54PyIUCl7LyuejzohCKKnoCMjuoZM6qYELTyH6Q2nc3vwZ\n"
    "SLrosH2qBcmcTYcgilTRVKU0+k1wKEWAZ14upEPcrDD4oI/0Z+ZwViXLnTeLmG2U\n"
    "CUztj1C19Uizdo7G3aymu9XfNwKBgQDhf1dNZmkkhincgbX94OWaN2mlekONx6Q6\n"
    "wrorkFGWnOIvE7n3cgfkaewAHT030JDvA0XX//3mqX+2CdpmrrxbfXw6TX17ZPQS\n"
    "yzsETe1pRwRHBt0MgMc7eOOSrRqoPzm1JDNq+0J11G7/w6xV7X4fyKtX20c62GC2\n"
    "kyKcNF/+lQKBgGP1zb1wq2AXg8s+j1qYLJcU13qS2h+y2tlszuoBiRWf7LVnJPmw\n"
    "axAnqH9XFyF3N2FKwxSQZEuZXEyM/jVCc2KR3tGGEna8jRmHdvsBL1iGQHmhqYPa\n"
    "xk91c8YxgkKo59diEdKJMXVJmSDOmmRzpzakS7ecIbVJYNJAiSfx6dj/AoGBAKOP\n"
    "ahOKJNmJNvPqYcc0SVYCu257sGQ2WrkEZWUT2RoV0Tm0ZT9GRtM2wSeUDcNeVMII\n"
    "7bAuzktwxmGT5AZ218jEzEa9zjaikybOopAMtheWm1OpdsyK2/gXR3osdRl0QrdQ\n"
    "+rquZRZyb9C0bVwmV0VWmHGxa4kTSZMkRgZnNvnBAoGAICiJyDMbmhhgU1nYPLqD\n"
    "mR8WARRjw5f6EXPQADREJRJ2Q+nQkIet2bFEccKuM9BAG5fQLCw6lzrFiDeumfAO\n"
    "hEbzW9xPHxGvc05YpYyD9RVRJk0OK8BmX2m4wqZvxRWjpp1R03f1DaxnHemYh+hT\n"
    "NX6VAbr6fSY2Vd85x+26LYU=\n"
    "-----END PRIVATE KEY-----\n";

EVP_PKEY *fuzz_key(int ec)
{
    const char *pem = ec ? ec_pem : rsa_pem;
    BIO *bio = BIO_new_mem_buf(pem, -1);
    EVP_PKEY *key = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;

    BIO_free(bio);
    if (!key) {
        abort();
    }
    return key;
}
