package dev.secureingress.embedded.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class QueryParametersTest {

    @Test
    void valuesAreDecodedAndKeptInOrder() {
        String path = "/api/v1/pods?dryRun=All&fieldSelector=status.phase%3DRunning&dryRun=Other&watch";

        assertThat(QueryParameters.values(path, "dryRun")).containsExactly("All", "Other");
        assertThat(QueryParameters.first(path, "fieldSelector")).contains("status.phase=Running");
        assertThat(QueryParameters.first(path, "watch")).contains("");
        assertThat(QueryParameters.first(path, "limit")).isEmpty();
        assertThat(QueryParameters.values("/api/v1/pods", "dryRun")).isEmpty();
    }
}
