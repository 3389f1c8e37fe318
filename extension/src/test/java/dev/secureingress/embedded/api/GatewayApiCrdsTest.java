package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GatewayApiCrdsTest {

    @Test
    void theBuildStoresTheCrdsItGeneratesBesideTheClass() throws IOException {
        String stored;
        try (InputStream in = GatewayApiCrds.class.getResourceAsStream(GatewayApiCrds.GENERATED)) {
            assertThat(in).as("the build's " + GatewayApiCrds.GENERATED + " (exec-maven-plugin, process-classes)")
                    .isNotNull();
            stored = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        assertThat(ApiJson.read(stored, List.class)).isEqualTo(ApiJson.read(ApiJson.write(GatewayApiCrds.generate()), List.class));
        assertThat(GatewayApiCrds.standardChannel()).isEqualTo(GatewayApiCrds.generate());
    }

    @Test
    void theStandardChannelHasOneCrdPerKindWithItsSchema() {
        List<CustomResourceDefinition> crds = GatewayApiCrds.standardChannel();

        assertThat(crds).extracting(crd -> crd.getMetadata().getName()).containsExactly(
                "gatewayclasses.gateway.networking.k8s.io", "gateways.gateway.networking.k8s.io",
                "httproutes.gateway.networking.k8s.io", "grpcroutes.gateway.networking.k8s.io",
                "referencegrants.gateway.networking.k8s.io", "backendtlspolicies.gateway.networking.k8s.io",
                "tlsroutes.gateway.networking.k8s.io");
        CustomResourceDefinition gateways = crds.get(1);
        assertThat(gateways.getSpec().getNames().getShortNames()).containsExactly("gtw");
        assertThat(gateways.getSpec().getVersions()).extracting(version -> version.getName()).containsExactly("v1", "v1beta1");
        assertThat(gateways.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema()
                .getProperties().get("spec").getProperties().get("listeners").getItems().getSchema()
                .getProperties().get("port").getMaximum()).isEqualTo(65535.0);
    }

    @Test
    void theSeedStoresThemAsJsonObjects() {
        List<Map<String, Object>> objects = GatewayApiCrds.standardChannelObjects();

        assertThat(objects).hasSize(GatewayApiCrds.standardChannel().size());
        assertThat(ObjectFields.at(objects.get(1), "spec", "names", "kind")).isEqualTo("Gateway");
    }

    @Test
    void mainWritesTheGeneratedCrdsAndNamesItsArgument(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("out/crds.json");

        GatewayApiCrds.main(new String[] {file.toString()});

        assertThat(ApiJson.read(Files.readString(file), CustomResourceDefinition[].class)).containsExactlyElementsOf(
                GatewayApiCrds.generate());
        assertThat(ApiJson.read(Files.readString(file.resolveSibling(CelPrograms.PRECOMPILED)), Map.class))
                .isEqualTo(CelPrograms.compileAll(GatewayApiRules.ruleTexts()));
        assertThatThrownBy(() -> GatewayApiCrds.main(new String[0]))
                .hasMessage("usage: GatewayApiCrds <file to write the generated CRDs to>");
    }
}
