package dev.secureingress.embedded.api;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoredIdentityTest {

    private static final String DEPLOYMENT = """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"creationTimestamp":"2026-01-01T00:00:00Z",\
            "labels":{"uid":"a label"},"name":"web","ownerReferences":[{"kind":"Thing","name":"owner",\
            "uid":"0d5c1a7e-0000-0000-0000-000000000001"}],"resourceVersion":"7",\
            "uid":"0d5c1a7e-0000-0000-0000-000000000002"},"spec":{"template":{"metadata":\
            {"creationTimestamp":"2026-01-01T00:00:00Z","uid":"in the template"}}}}""";

    @Test
    void replacesTheUidAndCreationTimestampOfTheMetadataOnly() {
        String renewed = StoredIdentity.renewed(DEPLOYMENT, "2026-11-27T15:00:00Z");

        Map<String, Object> object = ApiJson.parseObject(renewed);
        Map<?, ?> metadata = (Map<?, ?>) object.get("metadata");
        assertThat(metadata.get("creationTimestamp")).isEqualTo("2026-11-27T15:00:00Z");
        assertThat((String) metadata.get("uid")).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}")
                .isNotEqualTo("0d5c1a7e-0000-0000-0000-000000000002");
        assertThat(renewed.replace((String) metadata.get("uid"), "0d5c1a7e-0000-0000-0000-000000000002")
                .replace("2026-11-27T15:00:00Z", "2026-01-01T00:00:00Z"))
                .as("everything else, the owner's uid and the template's metadata included, is kept")
                .isEqualTo(DEPLOYMENT);
    }

    @Test
    void everyRenewalGivesANewUid() {
        String once = StoredIdentity.renewed(DEPLOYMENT, "2026-11-27T15:00:00Z");
        String twice = StoredIdentity.renewed(DEPLOYMENT, "2026-11-27T15:00:00Z");

        assertThat(uid(once)).isNotEqualTo(uid(twice));
    }

    @Test
    void addsNothingToMetadataWithoutThem() {
        String stored = "{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"plain\"},\"data\":{\"uid\":\"x\"}}";

        assertThat(StoredIdentity.renewed(stored, "2026-11-27T15:00:00Z")).isEqualTo(stored);
    }

    @Test
    void refusesTextThatIsNotAnObject() {
        assertThatThrownBy(() -> StoredIdentity.renewed("[1, 2]", "2026-11-27T15:00:00Z"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a JSON object: [1, 2]");
    }

    private static Object uid(String stored) {
        return ((Map<?, ?>) ApiJson.parseObject(stored).get("metadata")).get("uid");
    }
}
