package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;

/**
 * The ServiceAccount {@code default} that a cluster's service-account controller puts in every namespace, and that
 * pods without {@code serviceAccountName} run as ({@link SpecDefaults#ofPod}).
 */
final class DefaultServiceAccount {

    static final String NAME = "default";

    private DefaultServiceAccount() {
    }

    static ServiceAccount in(String namespace) {
        return new ServiceAccountBuilder().withNewMetadata().withName(NAME).withNamespace(namespace).endMetadata()
                .build();
    }
}
