package dev.secureingress.tls;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;

/**
 * The key pair types certificates can be issued with. {@link #ECDSA_P256} is the default: it is what
 * modern gateways prefer and it is generated in well under a millisecond.
 *
 * <p>The signature a CA puts on the certificates it issues follows the CA's own key:
 * SHA-256 for P-256 and RSA keys, SHA-384 for P-384 keys.
 */
public enum KeyAlgorithm {
    ECDSA_P256("EC", new ECGenParameterSpec("secp256r1"), "SHA256withECDSA"),
    ECDSA_P384("EC", new ECGenParameterSpec("secp384r1"), "SHA384withECDSA"),
    RSA_2048("RSA", new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4), "SHA256withRSA"),
    RSA_3072("RSA", new RSAKeyGenParameterSpec(3072, RSAKeyGenParameterSpec.F4), "SHA256withRSA"),
    RSA_4096("RSA", new RSAKeyGenParameterSpec(4096, RSAKeyGenParameterSpec.F4), "SHA256withRSA");

    /** The algorithm used when none is chosen. */
    public static final KeyAlgorithm DEFAULT = ECDSA_P256;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String jcaName;
    private final AlgorithmParameterSpec parameters;
    private final String signatureAlgorithm;

    KeyAlgorithm(String jcaName, AlgorithmParameterSpec parameters, String signatureAlgorithm) {
        this.jcaName = jcaName;
        this.parameters = parameters;
        this.signatureAlgorithm = signatureAlgorithm;
    }

    /** Generates a fresh key pair of this type. */
    public KeyPair generateKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(jcaName);
            generator.initialize(parameters, RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JVM cannot generate " + this + " keys", e);
        }
    }

    /** The JCA signature algorithm a CA holding a key of this type signs with, e.g. {@code SHA256withECDSA}. */
    public String signatureAlgorithm() {
        return signatureAlgorithm;
    }

    /** True for the RSA variants. */
    public boolean isRsa() {
        return jcaName.equals("RSA");
    }

    /**
     * The algorithm of an existing private key, for keys read from PEM.
     *
     * @throws IllegalArgumentException if the key is neither RSA nor EC P-256/P-384
     */
    public static KeyAlgorithm of(PrivateKey key) {
        if (key instanceof RSAKey rsa) {
            int bits = rsa.getModulus().bitLength();
            if (bits <= 2048) {
                return RSA_2048;
            }
            return bits <= 3072 ? RSA_3072 : RSA_4096;
        }
        if (key instanceof ECKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            if (bits == 256) {
                return ECDSA_P256;
            }
            if (bits == 384) {
                return ECDSA_P384;
            }
            throw new IllegalArgumentException("Unsupported EC curve of " + bits + " bits: use a P-256 or P-384 key");
        }
        throw new IllegalArgumentException("Unsupported private key algorithm " + key.getAlgorithm()
                + ": use an RSA or an EC (P-256, P-384) key");
    }
}
