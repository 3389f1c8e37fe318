package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;

/**
 * The ConfigMap {@value #NAME} that a cluster's root-ca-cert-publisher keeps in every namespace: key
 * {@value #KEY} holds the PEM of the CA that issued the API server's serving certificate, which pods use to verify
 * the API server (the projected service-account volume mounts it). Here that CA is {@link ServingIdentity}'s, so the
 * ConfigMap's certificate is {@link EmbeddedApiServer#caCertificatePem()}.
 *
 * <p>As on a cluster it is in the namespaces a fresh server holds and in every namespace created later; a deleted
 * or edited one is put back at once ({@link RootCaPublisher}).
 */
final class RootCaConfigMap {

    static final String NAME = "kube-root-ca.crt";
    static final String KEY = "ca.crt";
    static final String DESCRIPTION_ANNOTATION = "kubernetes.io/description";
    static final String DESCRIPTION = "Contains a CA bundle that can be used to verify the kube-apiserver"
            + " when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other"
            + " usage is guaranteed across distributions of Kubernetes clusters.";

    private RootCaConfigMap() {
    }

    /** The ConfigMap for {@code namespace}. */
    static ConfigMap in(String namespace) {
        return new ConfigMapBuilder()
                .withNewMetadata().withName(NAME).withNamespace(namespace)
                .addToAnnotations(DESCRIPTION_ANNOTATION, DESCRIPTION).endMetadata()
                .addToData(KEY, ServingIdentity.get().certificateAuthority().certificatePem())
                .build();
    }

    /** The path of the ConfigMap collection of {@code namespace}, where {@link #in} is created. */
    static String collectionIn(String namespace) {
        return "/api/v1/namespaces/" + namespace + "/configmaps";
    }

    /** True if {@code target} names this ConfigMap or a collection of ConfigMaps that holds it. */
    static boolean isAddressedBy(ResourcePath target) {
        return target.is("", "configmaps") && target.namespace() != null && target.subresource() == null
                && (target.name() == null || NAME.equals(target.name()));
    }
}
