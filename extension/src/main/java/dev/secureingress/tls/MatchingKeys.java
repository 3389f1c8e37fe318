package dev.secureingress.tls;

import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECParameterSpec;
import java.util.List;

/**
 * Whether a private key belongs to a public key, decided from the keys' numbers where that is cheap (an RSA
 * key's modulus and public exponent; an EC key's public point recomputed from its private scalar on the NIST
 * curves), else by signing with one and verifying with the other. Certificates are checked at every rotation,
 * where the JDK's EC signatures would cost milliseconds.
 */
final class MatchingKeys {

    private static final List<X9ECParameters> CURVES = List.of(CustomNamedCurves.getByName("secp256r1"),
            CustomNamedCurves.getByName("secp384r1"), CustomNamedCurves.getByName("secp521r1"));

    private MatchingKeys() {
    }

    static boolean belong(PrivateKey privateKey, PublicKey publicKey) {
        if (privateKey instanceof RSAPrivateKey rsa && publicKey instanceof RSAPublicKey rsaPublic) {
            return rsa.getModulus().equals(rsaPublic.getModulus()) && (!(rsa instanceof RSAPrivateCrtKey crt)
                    || crt.getPublicExponent().equals(rsaPublic.getPublicExponent()));
        }
        if (privateKey instanceof ECPrivateKey ec && publicKey instanceof ECPublicKey ecPublic) {
            X9ECParameters curve = knownCurve(ecPublic.getParams());
            if (curve != null) {
                if (knownCurve(ec.getParams()) != curve) {
                    return false;
                }
                ECPoint derived = new FixedPointCombMultiplier().multiply(curve.getG(), ec.getS()).normalize();
                return derived.getAffineXCoord().toBigInteger().equals(ecPublic.getW().getAffineX())
                        && derived.getAffineYCoord().toBigInteger().equals(ecPublic.getW().getAffineY());
            }
        }
        return signatureRoundTrip(privateKey, publicKey);
    }

    private static X9ECParameters knownCurve(ECParameterSpec params) {
        for (X9ECParameters curve : CURVES) {
            if (curve.getN().equals(params.getOrder())
                    && curve.getG().getAffineXCoord().toBigInteger().equals(params.getGenerator().getAffineX())) {
                return curve;
            }
        }
        return null;
    }

    private static boolean signatureRoundTrip(PrivateKey privateKey, PublicKey publicKey) {
        try {
            String algorithm = privateKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            byte[] probe = "secure-ingress key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
