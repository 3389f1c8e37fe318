package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ModelClassesTest {

    private final ModelClasses classes = ModelClasses.onClassPath();

    @Test
    void findsTheClassOfEachApiVersionAndKind() {
        assertThat(classes.forKind("v1", "Pod")).contains(Pod.class);
        assertThat(classes.forKind("apps/v1", "Deployment")).contains(Deployment.class);
        assertThat(classes.forKind("apiextensions.k8s.io/v1", "CustomResourceDefinition"))
                .contains(CustomResourceDefinition.class);
        assertThat(classes.forKind("gateway.networking.k8s.io/v1", "Gateway")).contains(Gateway.class);
        assertThat(classes.forKind("gateway.networking.k8s.io/v1beta1", "ReferenceGrant")).contains(ReferenceGrant.class);
    }

    @Test
    void aKindOfAnotherGroupOrVersionHasNone() {
        assertThat(classes.forKind("example.com/v7", "Deployment")).isEmpty();
        assertThat(classes.forKind("apps/v9", "Deployment")).isEmpty();
        assertThat(classes.forKind("v1", "NoSuchKind")).isEmpty();
    }
}
