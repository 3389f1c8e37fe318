package dev.secureingress.embedded.workload;

import dev.secureingress.embedded.api.ApiServerForClass;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Events as the recorder writes them: in order, and a repeat counted on the event it repeats. */
class EventRecorderTest {

    @RegisterExtension
    static final ApiServerForClass api = new ApiServerForClass();

    @Test
    void aRepeatedEventIsCountedInsteadOfWrittenAgain() {
        ConfigMap about = api.client().configMaps().inNamespace("default").resource(new ConfigMapBuilder()
                .withNewMetadata().withName("counted").endMetadata().build()).create();

        try (EventRecorder events = new EventRecorder(api.client())) {
            events.warning(EventSource.REPLICASET_CONTROLLER, about, null, "FailedCreate", "Error creating: denied");
            events.warning(EventSource.REPLICASET_CONTROLLER, about, null, "FailedCreate", "Error creating: denied");
            events.normal(EventSource.REPLICASET_CONTROLLER, about, null, "SuccessfulCreate", "Created pod: p");
            events.warning(EventSource.REPLICASET_CONTROLLER, about, null, "FailedCreate", "Error creating: denied");
        }

        List<Event> recorded = api.client().v1().events().inNamespace("default")
                .withField("involvedObject.name", "counted").list().getItems().stream()
                .sorted(Comparator.comparing(e -> e.getMetadata().getName())).toList();
        assertThat(recorded).extracting(Event::getReason, Event::getCount)
                .containsExactly(tuple("FailedCreate", 3),
                        tuple("SuccessfulCreate", 1));
    }
}
