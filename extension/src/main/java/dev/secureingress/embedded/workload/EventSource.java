package dev.secureingress.embedded.workload;

import dev.secureingress.embedded.api.EmbeddedApiServer;

/**
 * The cluster components whose events the embedded cluster records, named as on a real cluster
 * ({@code kubectl describe} shows the component under "From").
 */
enum EventSource {
    /** kube-controller-manager's deployment controller: scaling ReplicaSets. */
    DEPLOYMENT_CONTROLLER("deployment-controller", null),
    /** kube-controller-manager's replica set controller: creating and deleting pods. */
    REPLICASET_CONTROLLER("replicaset-controller", null),
    /** kube-scheduler: assigning pods to the node. */
    SCHEDULER("default-scheduler", null),
    /** The kubelet of the one node, {@value EmbeddedApiServer#NODE_NAME}: running containers. */
    KUBELET("kubelet", EmbeddedApiServer.NODE_NAME);

    private final String component;
    private final String host;

    EventSource(String component, String host) {
        this.component = component;
        this.host = host;
    }

    /** {@code source.component} and {@code reportingComponent} of the events. */
    String component() {
        return component;
    }

    /** {@code source.host} and {@code reportingInstance}: the node for a kubelet, none for the control plane. */
    String host() {
        return host;
    }
}
