package dev.secureingress.tls;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * PEM text in and out: certificates ({@code CERTIFICATE} blocks) and private keys. Keys are written as
 * unencrypted PKCS#8 ({@code PRIVATE KEY}); they are read from PKCS#8 as well as from the older
 * {@code RSA PRIVATE KEY} and {@code EC PRIVATE KEY} forms openssl writes. This is also the entry point for
 * reading what a Kubernetes secret holds ({@code tls.crt}, {@code tls.key}, {@code ca.crt}).
 */
public final class Pem {

    private static final JcaX509CertificateConverter CERTIFICATES = new JcaX509CertificateConverter();
    private static final JcaPEMKeyConverter KEYS = new JcaPEMKeyConverter();

    private Pem() {
    }

    /** The {@code CERTIFICATE} blocks for the given certificates, in order. */
    public static String encode(List<X509Certificate> certificates) {
        return write(certificates.toArray());
    }

    /** The {@code CERTIFICATE} block for one certificate. */
    public static String encode(X509Certificate certificate) {
        return write(certificate);
    }

    /** The key as an unencrypted PKCS#8 {@code PRIVATE KEY} block. */
    public static String encode(PrivateKey privateKey) {
        try {
            return write(new JcaPKCS8Generator(privateKey, null).generate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads every {@code CERTIFICATE} block of the text, in order (text between blocks is ignored, as openssl
     * does).
     *
     * @param what names the input in error messages, e.g. {@code "tls.crt of secret istio-system/httpbin"}
     * @throws IllegalArgumentException if the text holds no certificate or a block that is not one
     */
    public static List<X509Certificate> readCertificates(String pem, String what) {
        List<X509Certificate> certificates = new ArrayList<>();
        for (Object object : readObjects(pem, what)) {
            if (!(object instanceof X509CertificateHolder holder)) {
                throw new IllegalArgumentException(what + " holds a " + describe(object)
                        + " where only CERTIFICATE blocks are expected: give the certificate chain PEM, leaf first");
            }
            try {
                certificates.add(CERTIFICATES.getCertificate(holder));
            } catch (CertificateException e) {
                throw new IllegalArgumentException(what + " holds a certificate the JDK cannot read: " + e.getMessage(), e);
            }
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(what + " holds no PEM certificate: expected one or more "
                    + "\"-----BEGIN CERTIFICATE-----\" blocks");
        }
        return List.copyOf(certificates);
    }

    /** Reads every {@code CERTIFICATE} block of the text; see {@link #readCertificates(String, String)}. */
    public static List<X509Certificate> readCertificates(String pem) {
        return readCertificates(pem, "The certificate PEM");
    }

    /**
     * Reads the one unencrypted private key of the text: {@code PRIVATE KEY} (PKCS#8), {@code RSA PRIVATE KEY}
     * or {@code EC PRIVATE KEY} (an {@code EC PARAMETERS} block before it is skipped, as openssl writes one).
     *
     * @param what names the input in error messages, e.g. {@code "tls.key of secret istio-system/httpbin"}
     * @throws IllegalArgumentException if there is no key, more than one, or an encrypted one
     */
    public static PrivateKey readPrivateKey(String pem, String what) {
        List<PrivateKey> keys = new ArrayList<>();
        for (Object object : readObjects(pem, what)) {
            try {
                if (object instanceof PEMKeyPair pair) {
                    keys.add(KEYS.getPrivateKey(pair.getPrivateKeyInfo()));
                } else if (object instanceof PrivateKeyInfo info) {
                    keys.add(KEYS.getPrivateKey(info));
                } else if (object instanceof PEMEncryptedKeyPair || object instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new IllegalArgumentException(what + " is an encrypted private key: decrypt it first, "
                            + "e.g. `openssl pkey -in encrypted.key -out plain.key`");
                } else if (!(object instanceof org.bouncycastle.asn1.ASN1ObjectIdentifier)) {
                    // an EC PARAMETERS block reads as the curve's object identifier and is skipped
                    throw new IllegalArgumentException(what + " holds a " + describe(object)
                            + " where a private key is expected: give the PEM of the key alone");
                }
            } catch (IOException e) {
                throw new IllegalArgumentException(what + " holds a private key that cannot be decoded: "
                        + e.getMessage(), e);
            }
        }
        if (keys.size() != 1) {
            throw new IllegalArgumentException(what + (keys.isEmpty()
                    ? " holds no PEM private key: expected a \"-----BEGIN PRIVATE KEY-----\", "
                      + "\"-----BEGIN RSA PRIVATE KEY-----\" or \"-----BEGIN EC PRIVATE KEY-----\" block"
                    : " holds " + keys.size() + " private keys: give exactly one"));
        }
        return keys.get(0);
    }

    /** Reads the one private key of the text; see {@link #readPrivateKey(String, String)}. */
    public static PrivateKey readPrivateKey(String pem) {
        return readPrivateKey(pem, "The private key PEM");
    }

    private static List<Object> readObjects(String pem, String what) {
        if (pem == null || pem.isBlank()) {
            throw new IllegalArgumentException(what + " is empty: expected PEM text (\"-----BEGIN ...-----\" blocks)");
        }
        List<Object> objects = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                objects.add(object);
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(what + " is not valid PEM (" + e.getMessage() + "): expected "
                    + "\"-----BEGIN ...-----\" blocks of base64 text, as openssl writes them", e);
        }
        return objects;
    }

    private static String describe(Object object) {
        return object.getClass().getSimpleName() + " block";
    }

    private static String write(Object... objects) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (Object object : objects) {
                writer.writeObject(object);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }
}
